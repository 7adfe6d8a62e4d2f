package dev.cusp.tenant;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The practice schema's versioned migrations ({@code db/practice}), applied with Flyway as
 * the tenant's own database user, so even a migration cannot touch another tenant.
 */
public final class PracticeSchema {
    private PracticeSchema() {
    }

    /** Migrates to the newest version and returns it. */
    public static String migrate(String jdbcUrl, String user, String password) {
        MigrateResult r = Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/practice")
                .connectRetries(0)
                .load()
                .migrate();
        String v = r.targetSchemaVersion != null ? r.targetSchemaVersion : r.initialSchemaVersion;
        return v;
    }

    /** Creates or updates the control database that holds the site's registry. */
    public static void migrateControl(javax.sql.DataSource admin) {
        Flyway.configure().dataSource(admin).schemas("cusp").createSchemas(true)
                .locations("classpath:db/control").load().migrate();
    }
}
