package dev.cusp.wire;

/** Where a tenant's backup went: a backup database, or a file (the other one null). */
public record BackupDone(String tenant, String database, String file) {
}
