package dev.cusp.tenant;

import java.time.Instant;

/**
 * A hosted practice. Its database is {@code od_<name>_<id>}; its database user has the same
 * name and reaches only that database and the ones it owns ({@code od_<name>_<id>_...}).
 */
public record Tenant(String name, int id, String dbName, String dbUser, String sealedPassword, Status status,
                     String schemaVersion, Instant createdAt) {

    public enum Status {
        CREATING, ACTIVE, SUSPENDED,
        /** Its schema is being migrated ({@code cusp update}, {@code cusp tenant update}): practice requests wait. */
        UPDATING,
        /** Being restored to an earlier moment ({@code cusp tenant restore}): practice requests wait. */
        RESTORING;

        public String label() {
            return name().toLowerCase();
        }
    }

    public static String dbNameFor(String name, int id) {
        return "od_" + name + "_" + id;
    }
}
