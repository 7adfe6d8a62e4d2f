package dev.cusp.backup;

import dev.cusp.tenant.Tenant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which practices have a failed drill standing, decided from the drill results on disk
 * ({@code verify.json} of each backup kept), and told to {@link DrillAlerts} when that changes.
 *
 * <p>The rule: a practice's alert stands while the latest drill run on any of its backups still
 * kept failed. So a failed drill raises it; a later drill of the practice that passes clears it
 * (typically of a new backup); deleting the failed backup (retention) clears it unless an
 * earlier failed drill is then the latest. Read from disk, so an alert survives a restart of
 * the site: the result is on the backup, the site only re-reads it at its start.
 */
final class DrillState {
    private static final Logger LOG = LoggerFactory.getLogger(DrillState.class);
    private final BackupStore store;
    /** Practices whose latest drill failed: name to "backup ID: problems". */
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private volatile DrillAlerts alerts = new DrillAlerts() {
        @Override
        public void failed(String tenant, String backupId, String reason) {
            LOG.error("tenant {}: {}: the drill of backup {} failed: {}", tenant, DrillAlerts.CODE, backupId, reason);
        }

        @Override
        public void passed(String tenant) {
            LOG.info("tenant {}: {} cleared", tenant, DrillAlerts.CODE);
        }
    };

    DrillState(BackupStore store) {
        this.store = store;
    }

    /**
     * Sends every later change to {@code to}, and first the standing failures of every practice
     * {@code tenants} lists (read from disk in the background: a site with many backups starts at once).
     */
    void alertsTo(DrillAlerts to, Supplier<Iterable<Tenant>> tenants) {
        this.alerts = to;
        Thread.ofVirtual().name("drill-alerts").start(() -> {
            try {
                for (Tenant t : tenants.get()) {
                    reassess(t);
                }
            } catch (RuntimeException e) {
                LOG.warn("backups: cannot read the drill results at start: {}", e.getMessage());
            }
        });
    }

    /** Failed latest drills by practice, with the backup and the reason. */
    Map<String, String> failing() {
        return Map.copyOf(failing);
    }

    /** Decides {@code t}'s alert again from its backups on disk (after a drill, or a deletion). */
    synchronized void reassess(Tenant t) {
        Optional<BackupStore.Stored> latest = store.list(t.dbName()).stream()
                .filter(s -> s.verification().isPresent())
                .max(Comparator.comparing((BackupStore.Stored s) -> s.verification().get().verifiedAt()));
        if (latest.isPresent() && !latest.get().verification().get().ok()) {
            String id = latest.get().manifest().id();
            String reason = String.join("; ", latest.get().verification().get().problems());
            failing.put(t.name(), "backup " + id + ": " + reason);
            alerts.failed(t.name(), id, reason);
        } else if (failing.remove(t.name()) != null) {
            alerts.passed(t.name());
        }
    }
}
