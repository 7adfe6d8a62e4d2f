package dev.cusp.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The practice schema migrations this site carries: the built-in ones ({@code db/practice})
 * and any named by the {@code practice.migrations.extra} setting (a newer schema shipped
 * apart, or a test's). Versions are whole numbers ({@code V<n>__...sql}); the newest one is
 * the version {@code cusp update} brings every tenant to.
 */
public final class PracticeMigrations {
    private static final String BUILT_IN = "classpath:db/practice";
    private static final Pattern VERSION = Pattern.compile("(?:^|/)V([0-9]+)__[^/]*\\.sql$");
    private final List<String> locations;
    /** The direct path for new tenants (it reads and checks the built-in scripts once). */
    private final FreshSchema fresh = new FreshSchema();

    private PracticeMigrations(List<String> locations) {
        this.locations = List.copyOf(locations);
    }

    /** The built-in migrations plus the comma-separated Flyway locations in {@code extra} (may be empty). */
    public static PracticeMigrations of(String extra) {
        List<String> l = new ArrayList<>();
        l.add(BUILT_IN);
        for (String s : extra == null ? new String[0] : extra.split(",")) {
            if (!s.isBlank()) {
                l.add(s.trim());
            }
        }
        return new PracticeMigrations(l);
    }

    public List<String> locations() {
        return locations;
    }

    /**
     * Migrates a tenant's database to the newest version, as the tenant's own user, and
     * returns the version it is at. A failing migration throws Flyway's exception: on MariaDB
     * the statements before the failing one stay applied (DDL is not transactional) and the
     * history holds a failed row.
     */
    public String migrate(String jdbcUrl, String user, String password) {
        MigrateResult r = Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations(locations.toArray(String[]::new))
                .connectRetries(0)
                .load()
                .migrate();
        return r.targetSchemaVersion != null ? r.targetSchemaVersion : r.initialSchemaVersion;
    }

    /**
     * Makes the schema in a new, empty tenant database and returns its version. With only the
     * built-in migrations this runs their statements directly and writes Flyway's history rows
     * itself ({@link FreshSchema}: a third faster); with extra locations, or if the built-in
     * scripts cannot be used that way, Flyway does it.
     */
    public String createFresh(String jdbcUrl, String user, String password) {
        String version = locations.size() == 1 ? fresh.create(jdbcUrl, user, password) : null;
        return version != null ? version : migrate(jdbcUrl, user, password);
    }

    /** True once a tenant was created with the direct path (and it stays in use). */
    public boolean createsDirectly() {
        return locations.size() == 1 && fresh.inUse();
    }

    /** The newest version among all locations. */
    public String latest() {
        int max = 0;
        for (String loc : locations) {
            if (loc.startsWith("classpath:")) {
                max = Math.max(max, Integer.parseInt(PracticeSchema.latest(loc.substring("classpath:".length()))));
            } else if (loc.startsWith("filesystem:")) {
                Path dir = Path.of(loc.substring("filesystem:".length()));
                if (!Files.isDirectory(dir)) {
                    throw new IllegalStateException("practice.migrations.extra: " + dir + " is not a folder");
                }
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Matcher m = VERSION.matcher(f.getFileName().toString());
                        if (m.find()) {
                            max = Math.max(max, Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
        }
        return Integer.toString(max);
    }

    /** Compares two schema versions (whole numbers; null is older than any). */
    public static int compare(String a, String b) {
        return Long.compare(a == null ? -1 : Long.parseLong(a), b == null ? -1 : Long.parseLong(b));
    }
}
