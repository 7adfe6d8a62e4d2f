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

    /** The newest practice schema version this build carries (the highest {@code V<n>__} file). */
    public static String latestPracticeVersion() {
        return latest("db/practice");
    }

    /** The newest control schema version this build carries. */
    public static String latestControlVersion() {
        return latest("db/control");
    }

    static String latest(String folder) {
        java.util.regex.Pattern v = java.util.regex.Pattern.compile("(?:^|/)V([0-9]+)__[^/]*\\.sql$");
        int max = 0;
        try {
            var urls = PracticeSchema.class.getClassLoader().getResources(folder);
            while (urls.hasMoreElements()) {
                java.net.URL u = urls.nextElement();
                java.util.List<String> names = new java.util.ArrayList<>();
                if ("jar".equals(u.getProtocol())) {
                    String path = u.getPath();
                    String jar = path.substring("file:".length(), path.indexOf("!/"));
                    try (java.util.jar.JarFile jf = new java.util.jar.JarFile(java.net.URLDecoder.decode(jar,
                            java.nio.charset.StandardCharsets.UTF_8))) {
                        jf.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.startsWith(folder + "/"))
                                .forEach(names::add);
                    }
                } else {
                    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(u.toURI()))) {
                        files.map(f -> f.getFileName().toString()).forEach(names::add);
                    }
                }
                for (String n : names) {
                    java.util.regex.Matcher m = v.matcher(n);
                    if (m.find()) {
                        max = Math.max(max, Integer.parseInt(m.group(1)));
                    }
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        return Integer.toString(max);
    }

    /**
     * Creates or updates the control database that holds the site's registry, with the binary
     * log off: every site migrates its own control schema when it starts a new Cusp version
     * (replication waits until all sites run the same version), so a migration replicated from
     * a site updated first must not meet the same migration run locally (a duplicate column
     * would stop the link). Its own connections, not the pool's: a pooled connection must not
     * keep {@code sql_log_bin=0}.
     */
    public static void migrateControl(javax.sql.DataSource admin) {
        var config = Flyway.configure();
        if (admin instanceof com.zaxxer.hikari.HikariDataSource h) {
            config.dataSource(h.getJdbcUrl(), h.getUsername(), h.getPassword()).initSql("SET SESSION sql_log_bin = 0");
        } else {
            config.dataSource(admin);
        }
        config.schemas("cusp").createSchemas(true).locations("classpath:db/control").load().migrate();
    }
}
