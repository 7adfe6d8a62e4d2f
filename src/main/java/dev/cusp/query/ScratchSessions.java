package dev.cusp.query;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Query sessions at a report replica: the database connection that holds a caller's scratch
 * tables. Scratch tables there are temporary tables (the only tables MariaDB's read_only lets
 * the practice's own user write), which live as long as their connection, so each caller (one
 * bearer token) keeps one connection of the practice's pool between requests. It is closed after
 * {@link #IDLE} without a query, and its temporary tables go with it.
 */
public final class ScratchSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchSessions.class);
    /** How long an unused query session keeps its connection and scratch tables. */
    public static final Duration IDLE = Duration.ofMinutes(10);
    /** Open query sessions per practice: each holds one connection of the practice's pool. */
    static final int PER_TENANT = 4;

    /** One caller's connection; one statement at a time. */
    static final class Held {
        final String tenant;
        final TenantPools.Lease lease;
        final ReentrantLock lock = new ReentrantLock();
        /** Temporary tables created in this session, dropped before the connection goes back. */
        final java.util.Set<String> tables = ConcurrentHashMap.newKeySet();
        volatile long lastUsed = System.nanoTime();

        Held(String tenant, TenantPools.Lease lease) {
            this.tenant = tenant;
            this.lease = lease;
        }
    }

    private final TenantPools pools;
    private final Map<String, Held> byKey = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    public ScratchSessions(TenantPools pools) {
        this.pools = pools;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "query-sessions");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 30, 30, TimeUnit.SECONDS);
    }

    /** The caller's session, opened on first use. The caller must unlock {@link Held#lock}. */
    synchronized Held acquire(String key, Tenant t) throws SQLException {
        Held h = byKey.get(key);
        if (h == null) {
            long open = byKey.values().stream().filter(x -> x.tenant.equals(t.name())).count();
            if (open >= PER_TENANT) {
                throw new CuspException(ErrorCode.CONFLICT, "practice '" + t.name() + "' already has " + PER_TENANT
                        + " open query sessions with scratch tables; try again when one has been idle for "
                        + IDLE.toMinutes() + " minutes", "sql");
            }
            TenantPools.Lease lease = pools.lease(t);
            // The connection keeps the window's session mode until it is closed for good.
            lease.discard();
            try {
                QueryRunner.prepare(lease.connection());
            } catch (SQLException | RuntimeException e) {
                lease.close();
                throw e;
            }
            h = new Held(t.name(), lease);
            byKey.put(key, h);
            LOG.info("tenant {}: query session opened for scratch tables", t.name());
        }
        h.lastUsed = System.nanoTime();
        h.lock.lock();
        return h;
    }

    /** Ends a session whose connection failed. */
    void discard(String key) {
        Held h = byKey.remove(key);
        if (h != null) {
            close(h);
        }
    }

    int open() {
        return byKey.size();
    }

    private void sweep() {
        long cutoff = System.nanoTime() - IDLE.toNanos();
        byKey.forEach((k, h) -> {
            if (h.lastUsed < cutoff && h.lock.tryLock()) {
                try {
                    if (byKey.remove(k, h)) {
                        close(h);
                        LOG.info("tenant {}: query session closed after {} minutes idle; its scratch tables are"
                                + " gone", h.tenant, IDLE.toMinutes());
                    }
                } finally {
                    h.lock.unlock();
                }
            }
        });
    }

    /**
     * Drops the session's temporary tables, then closes the connection for good (its lease is
     * discarded): neither a scratch table nor the session mode rides along into another request.
     */
    private static void close(Held h) {
        try (var s = h.lease.connection().createStatement()) {
            for (String t : h.tables) {
                s.execute("DROP TEMPORARY TABLE IF EXISTS " + t);
            }
        } catch (SQLException e) {
            LOG.debug("tenant {}: closing a query session: {}", h.tenant, e.getMessage());
        } finally {
            try {
                h.lease.close();
            } catch (SQLException e) {
                LOG.debug("tenant {}: returning a query session: {}", h.tenant, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        byKey.values().forEach(ScratchSessions::close);
        byKey.clear();
    }
}
