package dev.cusp.docsync;

import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.io.IOException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background scrub: re-reads every stored file slowly ({@code document.scrub.kbps}) and
 * checks that its bytes still hash to its name. A file that does not (bit rot, a disk error, a
 * hand edit) is set aside and fetched again from a site that holds it good. One pass after
 * another, {@code document.scrub.pause.seconds} apart. How many it found shows in {@code /metrics}
 * ({@code cusp_documents_scrub_corrupt_total}), besides the warning in the log.
 */
public final class Scrub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scrub.class);
    private final DataSource admin;
    private final TenantRegistry registry;
    private final DocumentSync sync;
    private final Throttle throttle;
    private final long pauseMillis;
    private final java.util.concurrent.atomic.AtomicLong corrupt = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    public Scrub(DataSource admin, TenantRegistry registry, DocumentSync sync, int kibPerSecond) {
        this(admin, registry, sync, kibPerSecond, 60);
    }

    /** @param pauseSeconds rest between two passes */
    public Scrub(DataSource admin, TenantRegistry registry, DocumentSync sync, int kibPerSecond, int pauseSeconds) {
        this.pauseMillis = pauseSeconds * 1000L;
        this.admin = admin;
        this.registry = registry;
        this.sync = sync;
        this.throttle = Throttle.kibPerSecond(kibPerSecond);
    }

    /** Starts the scrub unless its rate is 0 (off). */
    public Scrub start() {
        if (!throttle.unlimited()) {
            thread = Thread.ofVirtual().name("documents-scrub").start(this::loop);
        }
        return this;
    }

    private void loop() {
        while (running) {
            try {
                pass();
                passes.incrementAndGet();
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("documents: scrub: {}", e.getMessage());
            }
        }
    }

    private void pass() throws InterruptedException {
        LocalContent store = sync.store();
        for (Tenant t : registry.all()) {
            try {
                for (DocumentRows.Ref r : DocumentRows.refs(admin, t.dbName())) {
                    if (!running) {
                        return;
                    }
                    if (!store.has(t.dbName(), r.sha256())) {
                        continue;
                    }
                    if (!r.sha256().equals(LocalContent.hashOf(store.file(t.dbName(), r.sha256()), throttle))) {
                        LOG.warn("documents: scrub: {} {}: the stored bytes no longer hash to the name; set aside"
                                + " and fetched again from another site", t.name(), r.sha256());
                        store.setAside(t.dbName(), r.sha256());
                        corrupt.incrementAndGet();
                        sync.nudge();
                    }
                }
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.debug("documents: scrub: {}: {}", t.name(), e.getMessage());
            }
        }
    }

    /** Stored files found corrupt (and set aside) since this site started. */
    public long corruptFound() {
        return corrupt.get();
    }

    /** Whole passes done since this site started. */
    public long passes() {
        return passes.get();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
