package dev.cusp.wire;

/**
 * Where a tenant's backup went: a backup database, or a file (the other one null); and the
 * folder of the practice's document files beside it, with their manifest (null: no files).
 */
public record BackupDone(String tenant, String database, String file, String documents) {
}
