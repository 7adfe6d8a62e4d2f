package dev.cusp.backup;

import dev.cusp.group.Fault;
import dev.cusp.group.Monitor;

/**
 * Where a failed drill is raised, and a passed one cleared: the site's alert path. The site
 * wires it to its monitor ({@link #toMonitor}); until then (and in tests) {@link BackupService}
 * logs an error. {@link DrillState} decides when to call which, from the drill results on disk.
 */
public interface DrillAlerts {
    /** Alert code of a failed drill. */
    String CODE = Fault.BACKUP_DRILL_FAILED.code();

    /** The newest drill of {@code tenant}'s backups, of backup {@code backupId}, failed, for {@code reason}. */
    void failed(String tenant, String backupId, String reason);

    /** The newest drill of {@code tenant} passed, or the failed backup is gone: any alert about it is over. */
    void passed(String tenant);

    /**
     * The site's monitor: one site alert per practice (key {@code backup-drill:NAME}), listed with
     * the site's other alerts (API, {@code cusp status}, {@code /metrics}, the webhook). It exists
     * on a site in no group too. Raised again only when its message changes: the message holds
     * no time, so the same failure found by the next scheduled drill raises nothing new.
     */
    static DrillAlerts toMonitor(Monitor monitor, String site) {
        return new DrillAlerts() {
            @Override
            public void failed(String tenant, String backupId, String reason) {
                monitor.siteAlert(key(tenant), Fault.BACKUP_DRILL_FAILED, "the drill of backup " + backupId + " of "
                        + tenant + " at " + site + " failed: " + reason, Fault.BACKUP_DRILL_FAILED.fix(site, site)
                        .replace("TENANT", tenant));
            }

            @Override
            public void passed(String tenant) {
                monitor.clearSiteAlert(key(tenant));
            }
        };
    }

    /** The monitor's key of {@code tenant}'s alert. */
    static String key(String tenant) {
        return "backup-drill:" + tenant;
    }
}
