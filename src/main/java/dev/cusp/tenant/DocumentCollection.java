package dev.cusp.tenant;

import dev.cusp.document.DocumentCollector;
import dev.cusp.document.DocumentStores;
import dev.cusp.document.Documents;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link DocumentCollector} over every active practice now and then (a pass every ten
 * minutes, or sooner when the grace period is shorter), reading which contents are referenced as
 * the practice's own database user.
 */
public final class DocumentCollection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentCollection.class);

    private final TenantRegistry registry;
    private final TenantPools pools;
    private final DocumentStores stores;
    private final Duration grace;
    private volatile Thread thread;

    public DocumentCollection(TenantRegistry registry, TenantPools pools, DocumentStores stores, Duration grace) {
        this.registry = registry;
        this.pools = pools;
        this.stores = stores;
        this.grace = grace;
    }

    /** Starts the passes in the background. */
    public DocumentCollection start() {
        long everyMs = Math.max(10_000, Math.min(Duration.ofMinutes(10).toMillis(), grace.toMillis() / 2));
        thread = Thread.ofVirtual().name("document-collection").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
                passAll();
            }
        });
        return this;
    }

    /** One pass over every active practice; returns the contents removed. */
    public int passAll() {
        int removed = 0;
        for (Tenant t : registry.all()) {
            if (t.status() == Tenant.Status.ACTIVE) {
                try {
                    removed += pass(t, grace).collected();
                } catch (RuntimeException e) {
                    LOG.warn("tenant {}: document collection failed: {}", t.name(), e.getMessage());
                }
            }
        }
        return removed;
    }

    /** One pass over one practice with the given grace period (tests give zero). */
    public DocumentCollector.Pass pass(Tenant t, Duration grace) {
        if (!Files.isDirectory(stores.of(t.dbName()).folder())) {
            return new DocumentCollector.Pass(0, 0, 0);
        }
        try (TenantPools.Lease l = pools.lease(t)) {
            // The referenced set is read before the store is listed: a row inserted after the
            // read refers to content put (and so touched) within the grace period.
            var referenced = Documents.referenced(l.connection());
            DocumentCollector.Pass p = DocumentCollector.collect(stores.of(t.dbName()), referenced, grace,
                    Instant.now());
            if (p.collected() > 0) {
                LOG.info("tenant {}: {} document contents no record refers to were deleted", t.name(), p.collected());
            }
            return p;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
