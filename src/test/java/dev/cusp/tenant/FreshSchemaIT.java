package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A tenant's schema made directly ({@link FreshSchema}, what {@code tenant create} does) is the
 * schema Flyway makes: the same tables, columns, indexes, triggers and starter rows, the same
 * history rows; Flyway validates it, and migrates it further like any other.
 */
class FreshSchemaIT {
    static final TestSite site = TestSite.shared();

    @Test
    void theDirectSchemaIsFlywaysSchemaAndFlywayTakesItFromThere() throws Exception {
        TenantService.Created t = site.newTenant("fresh");
        assertThat(site.site.tenants().migrations().createsDirectly()).as("made without Flyway").isTrue();
        String direct = t.tenant().dbName();
        String byFlyway = direct + "_flyway";
        String password = t.dbPassword();
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + byFlyway + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        // The tenant's user may use its own od_<name>_<id>_% databases: Flyway makes one the old way.
        PracticeJdbc url = site.site.tenants().jdbc();
        Flyway.configure().dataSource(url.url(byFlyway), direct, password).locations("classpath:db/practice").load()
                .migrate();

        for (String q : List.of(
                "SELECT table_name, column_name, ordinal_position, column_type, is_nullable, column_default, extra,"
                        + " column_comment FROM information_schema.columns WHERE table_schema = ? ORDER BY 1, 3",
                "SELECT table_name, index_name, seq_in_index, column_name, non_unique FROM information_schema.statistics"
                        + " WHERE table_schema = ? ORDER BY 1, 2, 3",
                "SELECT trigger_name, event_manipulation, event_object_table, action_timing, action_statement"
                        + " FROM information_schema.triggers WHERE trigger_schema = ? ORDER BY 1",
                "SELECT table_name, engine, table_collation, table_comment FROM information_schema.tables"
                        + " WHERE table_schema = ? ORDER BY 1")) {
            assertThat(rows(q, direct)).as(q).isNotEmpty().isEqualTo(rows(q, byFlyway));
        }
        assertThat(rows("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = ?", direct))
                .containsExactly(List.of("36"));
        String data = "SELECT id, code, abbr, description, category FROM `%s`.procedure_code ORDER BY code";
        assertThat(rows(data.formatted(direct))).hasSizeGreaterThan(20).isEqualTo(rows(data.formatted(byFlyway)));
        String history = "SELECT installed_rank, version, description, type, script, checksum, success"
                + " FROM `%s`.flyway_schema_history ORDER BY installed_rank";
        assertThat(rows(history.formatted(direct))).hasSize(4).isEqualTo(rows(history.formatted(byFlyway)));

        // Flyway sees its own work: it validates, and an update migrates it like any other tenant.
        Flyway.configure().dataSource(url.url(direct), direct, password).locations("classpath:db/practice").load()
                .validate();
        var r = Flyway.configure().dataSource(url.url(direct), direct, password)
                .locations("classpath:db/practice", "classpath:db/practice-next").load().migrate();
        assertThat(r.migrationsExecuted).isEqualTo(1);
        assertThat(r.targetSchemaVersion).isEqualTo("90");
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE `" + byFlyway + "`");
        }
    }

    @Test
    void scriptsAreSplitAsTheClientSplitsThem() throws Exception {
        List<String> st = FreshSchema.statements("""
                -- a comment
                CREATE TABLE a (id INT);

                DELIMITER $$
                CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW
                BEGIN
                    -- inside; kept
                    SET NEW.id = 1;
                END$$
                DELIMITER ;
                INSERT INTO a VALUES (1);
                """);
        assertThat(st).containsExactly("CREATE TABLE a (id INT)",
                "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW\nBEGIN\n    -- inside; kept\n    SET NEW.id = 1;\nEND",
                "INSERT INTO a VALUES (1)");
    }

    static List<List<String>> rows(String sql, String... params) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = site.site.node().adminConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
