package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;

import dev.cusp.Site;
import dev.cusp.tenant.PracticeSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The density benchmark's baseline: a practice's database, user and schema made by hand, as an
 * administrator would (CREATE DATABASE, CREATE USER, GRANT, the schema's SQL files run statement
 * by statement), and a diagnostic variant that runs Flyway instead of the SQL files.
 */
final class CreationBaseline {
    static final String[] SCHEMA_FILES = {"db/practice/V1__practice_schema.sql",
        "db/practice/V2__starter_procedure_codes.sql", "db/practice/V3__conflict_metadata.sql"};

    private CreationBaseline() {
    }

    /** The practice schema's SQL files, split into statements (comments dropped). */
    static List<String> schemaStatements() throws IOException {
        List<String> out = new ArrayList<>();
        for (String file : SCHEMA_FILES) {
            String text;
            try (InputStream in = CreationBaseline.class.getClassLoader().getResourceAsStream(file)) {
                check(in != null, "schema file " + file + " not on the class path");
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // As the mariadb client reads a file: statements end with the delimiter, which
            // DELIMITER lines change (the trigger bodies of V3 hold ';').
            String delimiter = ";";
            StringBuilder sql = new StringBuilder();
            for (String line : text.split("\n")) {
                String t = line.strip();
                if (t.startsWith("--") || (t.isEmpty() && sql.isEmpty())) {
                    continue;
                }
                if (t.toUpperCase(java.util.Locale.ROOT).startsWith("DELIMITER ")) {
                    delimiter = t.substring(10).strip();
                    continue;
                }
                sql.append(line).append('\n');
                if (t.endsWith(delimiter)) {
                    String stmt = sql.toString().strip();
                    stmt = stmt.substring(0, stmt.length() - delimiter.length()).strip();
                    if (!stmt.isEmpty()) {
                        out.add(stmt);
                    }
                    sql.setLength(0);
                }
            }
            check(sql.toString().isBlank(), file + " ends inside a statement: " + sql);
        }
        check(out.size() >= 10, "the schema files gave only " + out.size() + " statements");
        return out;
    }

    static long plainCreate(Connection admin, String db, List<String> schema) throws Exception {
        long a = System.nanoTime();
        try (Statement s = admin.createStatement()) {
            createDbAndUser(s, db);
            s.execute("USE `" + db + "`");
            for (String stmt : schema) {
                s.execute(stmt);
            }
        }
        return System.nanoTime() - a;
    }

    static long flywayCreate(Connection admin, Site site, String db) throws Exception {
        long a = System.nanoTime();
        try (Statement s = admin.createStatement()) {
            createDbAndUser(s, db);
        }
        PracticeSchema.migrate(site.node().jdbcUrl(db), db, "Bench-" + db + "-pw1");
        return System.nanoTime() - a;
    }

    private static void createDbAndUser(Statement s, String db) throws Exception {
        s.execute("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        s.execute("CREATE USER '" + db + "'@'127.0.0.1' IDENTIFIED BY 'Bench-" + db + "-pw1'");
        s.execute("GRANT ALL PRIVILEGES ON `" + db + "`.* TO '" + db + "'@'127.0.0.1'");
    }
}
