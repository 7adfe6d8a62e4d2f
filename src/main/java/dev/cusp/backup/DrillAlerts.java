package dev.cusp.backup;

/**
 * Where a failed drill is raised, and a passed one cleared: the site's alert path. The site
 * wires it to its monitor; until then (and in tests) {@link BackupService} logs an error and
 * keeps the failed drills it knows of, which the backup list shows.
 */
public interface DrillAlerts {
    /** Alert code of a failed drill. */
    String CODE = "BACKUP_DRILL_FAILED";

    /** The newest drill of {@code tenant}'s backup {@code backupId} failed, for {@code reason}. */
    void failed(String tenant, String backupId, String reason);

    /** The newest drill of {@code tenant} passed: any alert about it is over. */
    void passed(String tenant);
}
