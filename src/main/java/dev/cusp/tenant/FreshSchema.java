package dev.cusp.tenant;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in practice schema made in a new, empty tenant database without Flyway's per-run
 * work: the same scripts, statement by statement, as the tenant's own user with the binary log
 * on, and the same {@code flyway_schema_history} rows (version, script, checksum) that Flyway
 * writes, so every later {@code migrate} (an update) sees a database Flyway made. Flyway's
 * own bookkeeping (locks, session state saved and restored around every statement, metadata
 * look-ups: ~110 of the ~200 statements of a creation) was about a third of a tenant's creation
 * time; the density benchmark measures both ways.
 *
 * <p>The scripts and their checksums are read once per site, from Flyway itself ({@code info()}
 * on the first new database): a script whose text here does not give Flyway's checksum, or a
 * migration that is not a plain SQL file, makes every creation use Flyway, with a warning.
 */
public final class FreshSchema {
    private static final Logger LOG = LoggerFactory.getLogger(FreshSchema.class);
    private static final String LOCATION = "db/practice";

    /** One migration: what Flyway records of it, and its statements. */
    record Script(String version, String description, String script, int checksum, List<String> statements) {
    }

    private volatile List<Script> scripts;
    private volatile boolean unusable;

    boolean inUse() {
        return scripts != null && !unusable;
    }

    /**
     * Makes the schema in the empty database at {@code jdbcUrl} and returns its version; null
     * when this site cannot (see the class comment) and the caller should run Flyway instead.
     */
    String create(String jdbcUrl, String user, String password) {
        List<Script> all = scripts(jdbcUrl, user, password);
        if (all == null) {
            return null;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            long[] millis = new long[all.size()];
            for (int i = 0; i < all.size(); i++) {
                long a = System.nanoTime();
                for (String stmt : all.get(i).statements()) {
                    s.execute(stmt);
                }
                millis[i] = (System.nanoTime() - a) / 1_000_000;
            }
            s.execute(HISTORY_TABLE);
            s.execute("CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO `flyway_schema_history` (`installed_rank`,"
                    + " `version`, `description`, `type`, `script`, `checksum`, `installed_by`, `execution_time`,"
                    + " `success`) VALUES (?, ?, ?, 'SQL', ?, ?, ?, ?, 1)")) {
                for (int i = 0; i < all.size(); i++) {
                    Script sc = all.get(i);
                    ps.setInt(1, i + 1);
                    ps.setString(2, sc.version());
                    ps.setString(3, sc.description());
                    ps.setString(4, sc.script());
                    ps.setInt(5, sc.checksum());
                    ps.setString(6, user);
                    ps.setLong(7, millis[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return all.get(all.size() - 1).version();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the practice schema: " + e.getMessage(), e);
        }
    }

    /** Flyway's own table, as Flyway 11 creates it for MariaDB. */
    private static final String HISTORY_TABLE = """
            CREATE TABLE `flyway_schema_history` (
                `installed_rank` INT NOT NULL,
                `version` VARCHAR(50),
                `description` VARCHAR(200) NOT NULL,
                `type` VARCHAR(20) NOT NULL,
                `script` VARCHAR(1000) NOT NULL,
                `checksum` INT,
                `installed_by` VARCHAR(100) NOT NULL,
                `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                `execution_time` INT NOT NULL,
                `success` BOOL NOT NULL,
                CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)
            )""";

    private List<Script> scripts(String jdbcUrl, String user, String password) {
        if (unusable) {
            return null;
        }
        List<Script> s = scripts;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (scripts == null && !unusable) {
                try {
                    scripts = load(jdbcUrl, user, password);
                } catch (RuntimeException | IOException e) {
                    unusable = true;
                    LOG.warn("tenant creation: practice schema scripts not usable directly ({}); Flyway makes every"
                            + " tenant's schema", e.getMessage());
                }
            }
            return scripts;
        }
    }

    private static List<Script> load(String jdbcUrl, String user, String password) throws IOException {
        Flyway flyway = Flyway.configure().dataSource(jdbcUrl, user, password).locations("classpath:" + LOCATION)
                .connectRetries(0).load();
        List<Script> out = new ArrayList<>();
        for (MigrationInfo m : flyway.info().pending()) {
            if (m.getVersion() == null || !"SQL".equals(m.getType().name())) {
                throw new IllegalStateException("migration " + m.getScript() + " is not a versioned SQL file");
            }
            String text = read(LOCATION + "/" + m.getScript());
            int crc = checksum(text);
            if (m.getChecksum() == null || crc != m.getChecksum()) {
                throw new IllegalStateException(m.getScript() + ": checksum " + crc + " here, " + m.getChecksum()
                        + " by Flyway");
            }
            out.add(new Script(m.getVersion().getVersion(), m.getDescription(), m.getScript(), crc, statements(text)));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no practice migrations found");
        }
        return List.copyOf(out);
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = FreshSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Flyway's checksum of a script: CRC32 of its lines' UTF-8 bytes, without line breaks or BOM. */
    static int checksum(String text) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line = r.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = r.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    /**
     * A script's statements, as the {@code mariadb} client reads a file: each ends with the
     * delimiter at the end of a line, which {@code DELIMITER} lines change (trigger bodies hold
     * ';'); comment lines between statements are left out, those inside one kept (as Flyway sends them).
     */
    public static List<String> statements(String text) throws IOException {
        List<String> out = new ArrayList<>();
        String delimiter = ";";
        StringBuilder sql = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.strip();
                if ((t.startsWith("--") || t.isEmpty()) && sql.isEmpty()) {
                    continue;
                }
                if (t.toUpperCase(Locale.ROOT).startsWith("DELIMITER ")) {
                    delimiter = t.substring("DELIMITER ".length()).strip();
                    continue;
                }
                sql.append(line).append('\n');
                if (t.endsWith(delimiter) && !t.startsWith("--")) {
                    String stmt = sql.toString().strip();
                    stmt = stmt.substring(0, stmt.length() - delimiter.length()).strip();
                    if (!stmt.isEmpty()) {
                        out.add(stmt);
                    }
                    sql.setLength(0);
                }
            }
        }
        if (!sql.toString().isBlank()) {
            throw new IllegalStateException("a script ends inside a statement: " + sql.toString().strip());
        }
        return out;
    }
}
