package dev.cusp.wire;

/**
 * Where a tenant's backup went: a backup database, or a file (the other one null), and the
 * folder holding its document files beside it (null when the practice has none).
 */
public record BackupDone(String tenant, String database, String file, String documents) {
}
