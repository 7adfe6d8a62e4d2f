package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The confused deputy (issue 14, finding 1). A practice owns every name in its database: with
 * its own database password it renames {@code conflict_log}, {@code flyway_schema_history} and
 * {@code carrier} and puts {@code SQL SECURITY INVOKER} views in their place that call an
 * {@code INVOKER} function, which writes the account it runs as into a marker table. The site's
 * admin paths that read or write those names (the conflict list and restore, the tenant update,
 * the tenant list and status) must never run that function as {@code cusp_admin}, and must
 * answer with a clear message, not a 500.
 */
class AdminRunsNoPracticeCodeIT {
    static TestSite site;
    /** Its conflict log and Flyway history are views. */
    static TenantService.Created trap;
    /** Its carrier table is a view WITH CHECK OPTION; its conflict log holds a conflict on carrier 1. */
    static TenantService.Created writeTrap;
    static String admin;

    @BeforeAll
    static void practicesSetTheirTraps() throws Exception {
        site = TestSite.shared();
        admin = Files.readString(site.site.home().cliToken()).trim();
        trap = site.newTenant("deputy");
        writeTrap = site.newTenant("deputyw");
        asPractice(trap,
                "RENAME TABLE conflict_log TO conflict_log_real",
                "CREATE SQL SECURITY INVOKER VIEW conflict_log AS SELECT r.* FROM (SELECT deputy() AS d) x"
                        + " LEFT JOIN conflict_log_real r ON TRUE",
                "RENAME TABLE flyway_schema_history TO flyway_history_real",
                "CREATE SQL SECURITY INVOKER VIEW flyway_schema_history AS SELECT r.* FROM (SELECT deputy() AS d) x"
                        + " JOIN flyway_history_real r ON TRUE");
        asPractice(writeTrap,
                "INSERT INTO carrier (id, name) VALUES (1, 'Theirs')",
                "INSERT INTO conflict_log (detected_site, kind, table_name, row_id, local_site, local_change,"
                        + " local_image, incoming_site, incoming_change, incoming_image, winner, rule, gtid) VALUES"
                        + " ('elsewhere', 'update-update', 'carrier', 1, 'here', 'update', '{\"id\": 1, \"name\":"
                        + " \"Mine\"}', 'elsewhere', 'update', '{\"id\": 1, \"name\": \"Theirs\"}', 'incoming',"
                        + " 'newest change wins', '0-1-1')",
                "RENAME TABLE carrier TO carrier_real",
                "CREATE SQL SECURITY INVOKER VIEW carrier AS SELECT * FROM carrier_real WHERE deputy() = 1"
                        + " WITH CHECK OPTION");
    }

    /** Runs statements as the practice's own database user, after making the marker and the function. */
    static void asPractice(TenantService.Created t, String... statements) throws Exception {
        try (Connection c = practice(t); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE deputy_marker (who VARCHAR(200) NOT NULL)");
            s.execute("CREATE FUNCTION deputy() RETURNS INT SQL SECURITY INVOKER MODIFIES SQL DATA BEGIN"
                    + " INSERT INTO `" + t.tenant().dbName() + "`.deputy_marker (who) VALUES (CURRENT_USER());"
                    + " RETURN 1; END");
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static Connection practice(TenantService.Created t) throws Exception {
        return DriverManager.getConnection(site.site.tenants().jdbc().url(t.tenant().dbName()), t.tenant().dbUser(),
                t.dbPassword());
    }

    /** Every account the practice's function ran as, read by the practice itself. */
    static List<String> ranAs(TenantService.Created t) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = practice(t); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT who FROM deputy_marker")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void assertNeverRanAsAdmin() throws Exception {
        for (TenantService.Created t : List.of(trap, writeTrap)) {
            assertThat(ranAs(t)).as("accounts the practice's function ran as").noneMatch(
                    who -> who.startsWith("cusp_admin@") || who.startsWith("root@"));
        }
    }

    static String[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", site.site.home().dir().toString()));
        int code = dev.cusp.Cusp.run(new PrintStream(out, true), new PrintStream(err, true), all.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theTrapIsArmedForWhoeverReadsIt() throws Exception {
        try (Connection c = practice(trap); Statement s = c.createStatement()) {
            s.executeQuery("SELECT * FROM conflict_log").close();
        }
        assertThat(ranAs(trap)).contains(trap.tenant().dbUser() + "@127.0.0.1");
    }

    @Test
    void theConflictListDoesNotRunThePracticesView() throws Exception {
        TestSite.Response all = site.call("GET", "/api/v1/admin/conflicts", admin, null);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("unreadable").toString()).contains(trap.tenant().name()).contains("conflict_log")
                .contains("view");
        // The other practices are still listed: the write-trap's real conflict is there.
        assertThat(all.body()).contains("\"tenant\":\"" + writeTrap.tenant().name() + "\"");

        TestSite.Response one = site.call("GET", "/api/v1/admin/conflicts?tenant=" + trap.tenant().name(), admin,
                null);
        assertThat(one.status()).as(one.body()).isEqualTo(409);
        assertThat(one.json().at("/error/message").asText()).contains(trap.tenant().dbName()).contains("conflict_log")
                .contains("not a base table");

        String[] cli = cli("conflicts");
        assertThat(cli[0]).as(cli[2]).isEqualTo("0");
        assertThat(cli[1]).contains(trap.tenant().name() + ": conflicts not listed");
        assertNeverRanAsAdmin();
    }

    @Test
    void restoringAConflictDoesNotWriteThroughThePracticesView() throws Exception {
        TestSite.Response list = site.call("GET", "/api/v1/admin/conflicts?tenant=" + writeTrap.tenant().name(),
                admin, null);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        long id = list.json().at("/conflicts/0/id").asLong();
        TestSite.Response r = site.call("POST", "/api/v1/admin/conflicts/" + writeTrap.tenant().name() + "/" + id
                + "/restore", admin, null);
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().at("/error/message").asText()).contains("carrier").contains("not a base table");
        try (Connection c = practice(writeTrap); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM carrier_real WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("nothing was written").isEqualTo("Theirs");
        }
        assertNeverRanAsAdmin();
    }

    @Test
    void theTenantUpdateDoesNotReadThePracticesHistoryView() throws Exception {
        String[] r = cli("tenant", "update", trap.tenant().name());
        assertThat(r[0]).as(r[1] + r[2]).isNotEqualTo("0").isNotEqualTo("1");
        assertThat(r[1] + r[2]).contains("flyway_schema_history").contains("not a base table");
        assertNeverRanAsAdmin();
    }

    @Test
    void theTenantListAndStatusAnswerAndRunNothing() throws Exception {
        TestSite.Response tenants = site.call("GET", "/api/v1/admin/tenants", admin, null);
        assertThat(tenants.status()).as(tenants.body()).isEqualTo(200);
        assertThat(tenants.body()).contains(trap.tenant().name());
        TestSite.Response show = site.call("GET", "/api/v1/admin/tenants/" + trap.tenant().name(), admin, null);
        assertThat(show.status()).as(show.body()).isEqualTo(200);
        TestSite.Response status = site.call("GET", "/api/v1/admin/status", admin, null);
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        String[] st = cli("status");
        assertThat(st[0]).as(st[2]).isEqualTo("0");
        assertNeverRanAsAdmin();
    }
}
