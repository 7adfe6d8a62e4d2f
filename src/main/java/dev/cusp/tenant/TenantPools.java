package dev.cusp.tenant;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.secret.SecretBox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small connection pool per tenant, logged in as that tenant's own database user, so a
 * bug in the API cannot read another tenant's data: MariaDB refuses it. Pools are created on
 * a tenant's first request, hold no connection while idle, and are closed altogether after
 * {@code pool.idle.seconds} without use: a thousand hosted tenants hold connections only for
 * the practices that are working. All pools share one housekeeping thread.
 */
public final class TenantPools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantPools.class);

    private final String jdbcBase;
    private final SecretBox secrets;
    private final int maxPerTenant;
    private final Duration idleClose;
    private final ScheduledExecutorService housekeeping;
    private final Map<String, Entry> pools = new ConcurrentHashMap<>();

    private static final class Entry {
        final HikariDataSource ds;
        volatile long lastUsed = System.nanoTime();

        Entry(HikariDataSource ds) {
            this.ds = ds;
        }
    }

    public TenantPools(String host, int port, SecretBox secrets, int maxPerTenant, Duration idleClose) {
        this.jdbcBase = "jdbc:mariadb://" + host + ":" + port + "/";
        this.secrets = secrets;
        this.maxPerTenant = maxPerTenant;
        this.idleClose = idleClose;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tenant-pools");
            t.setDaemon(true);
            return t;
        });
        // A closed pool cancels its housekeeping task; drop it from the queue at once instead
        // of keeping it until its delay ends (the density benchmark saw ~3 per closed pool).
        ex.setRemoveOnCancelPolicy(true);
        this.housekeeping = ex;
        long every = Math.max(5, idleClose.toSeconds() / 4);
        housekeeping.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.SECONDS);
    }

    /** The tenant's pool, created on first use. */
    public DataSource get(Tenant t) {
        Entry e = pools.computeIfAbsent(t.name(), n -> new Entry(create(t)));
        e.lastUsed = System.nanoTime();
        return e.ds;
    }

    private HikariDataSource create(Tenant t) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("tenant-" + t.name());
        c.setJdbcUrl(jdbcBase + t.dbName());
        c.setUsername(t.dbUser());
        c.setPassword(secrets.open(t.sealedPassword()));
        c.setMaximumPoolSize(maxPerTenant);
        c.setMinimumIdle(0);
        c.setIdleTimeout(Math.max(10_000, Math.min(idleClose.toMillis(), 60_000)));
        c.setConnectionTimeout(10_000);
        c.setInitializationFailTimeout(-1);
        c.setScheduledExecutor(housekeeping);
        c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        c.addDataSourceProperty("cachePrepStmts", "true");
        return new HikariDataSource(c);
    }

    /** Closes the tenant's pool now (suspend, drop): its open connections end. */
    public void evict(String tenant) {
        Entry e = pools.remove(tenant);
        if (e != null) {
            e.ds.close();
        }
    }

    /** Closes every pool (the node's data was replaced by a re-seed). */
    public void evictAll() {
        for (String name : List.copyOf(pools.keySet())) {
            evict(name);
        }
    }

    /**
     * Retires every open connection as soon as it is idle: session settings taken from the
     * node's globals at connect (auto_increment spacing) then follow a change of those globals.
     */
    public void refreshAll() {
        pools.values().forEach(e -> {
            if (e.ds.getHikariPoolMXBean() != null) {
                e.ds.getHikariPoolMXBean().softEvictConnections();
            }
        });
    }

    public int openPools() {
        return pools.size();
    }

    /** Connections currently open across all tenant pools. */
    public int openConnections() {
        return pools.values().stream().mapToInt(e -> e.ds.getHikariPoolMXBean() == null ? 0
                : e.ds.getHikariPoolMXBean().getTotalConnections()).sum();
    }

    private void closeIdle() {
        long cutoff = System.nanoTime() - idleClose.toNanos();
        pools.forEach((name, e) -> {
            if (e.lastUsed < cutoff && e.ds.getHikariPoolMXBean() != null
                    && e.ds.getHikariPoolMXBean().getActiveConnections() == 0 && pools.remove(name, e)) {
                e.ds.close();
                LOG.debug("tenant {}: pool closed after {} s idle", name, idleClose.toSeconds());
            }
        });
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        pools.values().forEach(e -> e.ds.close());
        pools.clear();
    }
}
