package dev.cusp.tenant;

/**
 * Names of the databases that hold a practice's backups: {@code bak_<name>_<id>_<yyyyMMdd_HHmmss>}.
 * <p>Outside the practice account's grants ({@code od\_<name>\_<id>} and
 * {@code od\_<name>\_<id>\_%}): each site writes its backups with the binary log off, so they
 * differ from site to site, and a practice that could drop or write its backup database would
 * replicate a statement that stops the applier at every peer where that database differs.
 * The longest name (a 32-character tenant name, a 9-digit id) has 62 characters, inside
 * MariaDB's 64.
 */
public final class BackupNames {
    static final String PREFIX = "bak_";

    private BackupNames() {
    }

    /** The backup database of {@code t} made at {@code stamp} ({@code yyyyMMdd_HHmmss}). */
    public static String database(Tenant t, String stamp) {
        return PREFIX + t.name() + "_" + t.id() + "_" + stamp;
    }

    /** A LIKE pattern matching every backup database of {@code t}, and no other tenant's. */
    public static String like(Tenant t) {
        return (PREFIX + t.name() + "_" + t.id()).replace("_", "\\_") + "\\_%";
    }

    /**
     * A LIKE pattern for the backups of every tenant as older versions named them
     * ({@code od_<name>_<id>_bak_<stamp>}, inside the practice's grants).
     */
    public static final String LEGACY_LIKE = "od\\_%\\_bak\\_%";
}
