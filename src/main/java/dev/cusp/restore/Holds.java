package dev.cusp.restore;

import dev.cusp.backup.BackupService;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.SessionCuts;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A practice held while it is restored, here and at the other sites of the group: 503 at the
 * API, its pools closed, its database account locked and its connections cut; and the end of
 * the hold once the restore is over. The same cut serves a suspend at the other sites.
 */
final class Holds {
    private final DataSource admin;
    private final TenantRegistry registry;
    private final TenantService tenants;
    private final TenantPools pools;
    private final BackupService backups;
    private final Positions positions;
    private final String site;
    private final BiConsumer<String, Boolean> tenantChanged;

    Holds(DataSource admin, TenantRegistry registry, TenantService tenants, TenantPools pools, BackupService backups,
          Positions positions, String site, BiConsumer<String, Boolean> tenantChanged) {
        this.admin = admin;
        this.registry = registry;
        this.tenants = tenants;
        this.pools = pools;
        this.backups = backups;
        this.positions = positions;
        this.site = site;
        this.tenantChanged = tenantChanged;
    }

    /** The practice held: 503 at the API (its status replicates), its database account locked and disconnected. */
    void hold(Tenant t) {
        registry.update(t.name(), Tenant.Status.RESTORING, null);
        tenantChanged.accept(t.name(), true);
        pools.evict(t.name());
        tenants.holdAccount(t.name(), true);
    }

    void resume(Tenant t) {
        tenants.holdAccount(t.name(), false);
        registry.update(t.name(), Tenant.Status.ACTIVE, null);
        tenantChanged.accept(t.name(), false);
    }

    /** The end of a restore: a backup of the restored practice, the hold ended everywhere, the security log. */
    void finish(Tenant held, String details, Consumer<String> step) {
        // The restored practice's history no longer follows the binary log before this moment:
        // a backup now is where any later restore to a moment after this one starts.
        step.accept("backing up the restored practice");
        try {
            backups.backup(held.name(), "restored");
        } catch (RuntimeException e) {
            Restorer.LOG.warn("tenant {}: restored, but the backup after it failed: {}", held.name(), e.getMessage());
        }
        resume(held);
        logRestore(held, details);
    }

    private void logRestore(Tenant t, String details) {
        if (details == null) {
            return;
        }
        try (TenantPools.Lease l = pools.lease(registry.require(t.name()))) {
            SecurityLog.write(l.connection(), new Actor("site admin", site), "restore", "practice", null, details);
        } catch (SQLException e) {
            Restorer.LOG.warn("tenant {}: restored, but the security log entry failed: {}", t.name(), e.getMessage());
        }
    }

    /**
     * The hold at this site alone: the practice's pools and sessions closed, its account locked
     * here and its connections killed. Should the hold have ended meanwhile (the restoring site
     * resumed it and that has arrived), the account is unlocked here again: the restoring site's
     * unlock is written after its status change, so a status still "restoring" after the lock
     * means that unlock is yet to come.
     */
    void holdHere(Tenant t) {
        pools.evict(t.name());
        tenantChanged.accept(t.name(), true);
        try {
            PracticeHold.cut(admin, t.dbUser());
            if (registry.require(t.name()).status() != Tenant.Status.RESTORING) {
                PracticeHold.release(admin, t.dbUser());
            }
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot hold " + t.name() + "'s database account: "
                    + e.getMessage(), null, e);
        }
    }

    /** See {@link Restorer#holdFor}. */
    String holdFor(String tenant, String from, String fromGtid) {
        Tenant t = registry.require(tenant);
        try {
            arrived(tenant, from, fromGtid, Tenant.Status.RESTORING, "is not being restored here (its hold");
            holdHere(t);
            return positions.here();
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot hold " + tenant + " at " + site + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * How long a suspend waits, in all, for the other sites to confirm their cut. Short: each of
     * them cuts by itself once the replicated suspend arrives; this only makes the answer prompt
     * where the links are.
     */
    static final java.time.Duration CUT_DEADLINE = java.time.Duration.ofSeconds(30);

    /** See {@link Restorer#cutSuspendedElsewhere}. */
    SessionCuts cutSuspendedElsewhere(String tenant, RestoreGroup group) {
        List<String> others = group.others();
        if (others.isEmpty()) {
            return SessionCuts.NONE;
        }
        String here;
        try {
            here = positions.here();
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot read this site's position: " + e.getMessage(), null, e);
        }
        List<String> confirmed = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        // Not closed by try-with-resources: that would wait for a late site's call past the deadline.
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<String, java.util.concurrent.Future<?>> asked = new LinkedHashMap<>();
            for (String o : others) {
                asked.put(o, pool.submit(() -> group.cutSuspended(o, tenant, here)));
            }
            long deadline = System.nanoTime() + CUT_DEADLINE.toNanos();
            for (Map.Entry<String, java.util.concurrent.Future<?>> e : asked.entrySet()) {
                String o = e.getKey();
                try {
                    e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    confirmed.add(o);
                } catch (TimeoutException late) {
                    e.getValue().cancel(true);
                    missed.add(o);
                    Restorer.LOG.warn("tenant {}: suspended; {} did not confirm the cut of its connections within {}s;"
                            + " it cuts them when the suspend reaches it", tenant, o, CUT_DEADLINE.toSeconds());
                } catch (ExecutionException failed) {
                    missed.add(o);
                    Restorer.LOG.warn("tenant {}: suspended; {} did not cut its connections now ({}); it cuts them"
                            + " when the suspend reaches it", tenant, o, failed.getCause().getMessage());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    missed.add(o);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new SessionCuts(confirmed, missed);
    }

    /** See {@link Restorer#cutSuspended}. */
    void cutSuspended(String tenant, String from, String fromGtid) {
        Tenant t = registry.require(tenant);
        try {
            arrived(tenant, from, fromGtid, Tenant.Status.SUSPENDED, "is not suspended here (the suspend");
            pools.evict(t.name());
            tenantChanged.accept(t.name(), true);
            PracticeHold.kill(admin, t.dbUser());
            Restorer.LOG.info("tenant {}: suspended at {}; its connections here were cut", tenant, from);
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot cut " + tenant + "'s connections at " + site + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * Waits until this site has applied {@code from}'s changes up to {@code fromGtid}; then the
     * practice must be in {@code status} here (409 otherwise: what was ordered has not arrived).
     */
    private void arrived(String tenant, String from, String fromGtid, Tenant.Status status, String notYet)
            throws SQLException {
        positions.waitFor(fromGtid, from);
        if (registry.require(tenant).status() != status) {
            throw new CuspException(ErrorCode.CONFLICT, "practice '" + tenant + "' " + notYet + " has not arrived from "
                    + from + ")");
        }
    }
}
