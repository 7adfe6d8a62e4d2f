package dev.cusp.version;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tenant.PracticeMigrations;
import dev.cusp.tenant.Tenant;

/**
 * Which practices this site can serve: any whose schema is at or below the newest version its
 * migrations reach. A practice migrated further (by a newer Cusp at another site of the group)
 * is refused rather than served by code that does not know its schema.
 */
public final class SchemaServing {
    private SchemaServing() {
    }

    /** Refuses a practice whose schema is newer than {@code latest} (null: no limit). */
    public static void require(Tenant t, String latest) {
        if (latest == null || t.schemaVersion() == null
                || PracticeMigrations.compare(t.schemaVersion(), latest) <= 0) {
            return;
        }
        throw new CuspException(ErrorCode.VERSION_MISMATCH, "practice '" + t.name() + "' is at schema version "
                + t.schemaVersion() + ", newer than this site's Cusp " + dev.cusp.base.CuspVersion.VERSION + " knows (up to "
                + latest + "): update this site to the Cusp that migrated it, or use a site that runs it");
    }
}
