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

    /** The practice schema's SQL files (V1-V3), split into statements as the mariadb client splits a file. */
    static List<String> schemaStatements() throws IOException {
        List<String> out = new ArrayList<>();
        for (String file : SCHEMA_FILES) {
            String text;
            try (InputStream in = CreationBaseline.class.getClassLoader().getResourceAsStream(file)) {
                check(in != null, "schema file " + file + " not on the class path");
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            out.addAll(dev.cusp.tenant.FreshSchema.statements(text));
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
