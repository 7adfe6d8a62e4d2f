package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.checksums;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.peersAndReplica;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code cusp check} and {@code cusp repair} on three real sites: peers a and b, and c, a
 * report replica of a. Rows are changed at b behind replication's back (binary log off); the
 * check names exactly those rows, a repair from a makes every table equal everywhere, and the
 * refusals answer the right status, field and exit code.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckRepairIT {
    static TestSite a;
    static TestSite b;
    static TestSite c;
    static TenantService.Created t;
    static String db;
    /** The rows changed at b behind replication's back, as "table:key". */
    static final Set<String> TAMPERED = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        TestSite[] sites = peersAndReplica("check");
        a = sites[0];
        b = sites[1];
        c = sites[2];
        t = a.newTenant("check");
        db = t.tenant().dbName();
        a.site.tenants().seedData(t.tenant().name(), 300, 7);
        awaitConverged(a, b, c);
    }

    @AfterAll
    static void stop() {
        for (TestSite s : new TestSite[] {c, b, a}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static JsonNode json(String[] run) throws Exception {
        return Json.MAPPER.readTree(run[1]);
    }

    static long firstKey(TestSite s, String sql) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** table:key of every differing row in a check report, and that each differs at b only. */
    static Set<String> differingRows(JsonNode report) {
        Set<String> out = new TreeSet<>();
        for (JsonNode d : report.path("differences")) {
            for (JsonNode r : d.path("rows")) {
                out.add(d.path("table").asText() + ":" + r.path("key").asLong());
                assertThat(r.path("differs_at").toString()).as(r.toString()).isEqualTo("[\"b\"]");
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void aHealthyGroupChecksClean() throws Exception {
        String[] run = cli(a, "check", t.tenant().name(), "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(r.path("clean").asBoolean()).as(run[1]).isTrue();
        assertThat(r.path("sites_checked").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(r.path("sites_skipped")).isEmpty();
        assertThat(r.path("tables").asInt()).isEqualTo(checksums(a, db).size());
        assertThat(r.path("rows").asLong()).isGreaterThan(1000);
        run = cli(a, "check");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(run[1]).contains("Clean");
    }

    @Test
    @Order(2)
    void rowsChangedBehindReplicationsBackAreNamedExactly() throws Exception {
        List<Long> patients = new ArrayList<>();
        try (Connection conn = b.site.node().adminConnection(); Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id FROM `" + db + "`.patient ORDER BY id LIMIT 3 OFFSET 40")) {
                while (rs.next()) {
                    patients.add(rs.getLong(1));
                }
            }
            long appointment = firstKey(b, "SELECT MAX(id) FROM `" + db + "`.appointment");
            long procedure = firstKey(b, "SELECT MIN(id) FROM `" + db + "`.procedure_log");
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("USE `" + db + "`");
            st.execute("UPDATE patient SET last_name = CONCAT(last_name, 'x') WHERE id IN (" + patients.get(0) + ", "
                    + patients.get(1) + ")");
            st.execute("UPDATE patient SET email = NULL, phone_home = '' WHERE id = " + patients.get(2));
            st.execute("DELETE FROM appointment WHERE id = " + appointment);
            // Practice schema v3: a delete keeps the deleted version in row_tombstone, in the same
            // transaction; made behind replication's back, that row too exists only here.
            TAMPERED.add("row_tombstone:" + firstKey(b, "SELECT MAX(id) FROM `" + db + "`.row_tombstone"));
            st.execute("CREATE TEMPORARY TABLE extra SELECT * FROM procedure_log WHERE id = " + procedure);
            st.execute("UPDATE extra SET id = 900000001");
            st.execute("INSERT INTO procedure_log SELECT * FROM extra");
            patients.forEach(p -> TAMPERED.add("patient:" + p));
            TAMPERED.add("appointment:" + appointment);
            TAMPERED.add("procedure_log:900000001");
        }
        String[] run = cli(a, "check", t.tenant().name(), "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("9");
        JsonNode r = json(run);
        assertThat(r.path("clean").asBoolean()).isFalse();
        assertThat(differingRows(r)).isEqualTo(TAMPERED);
        assertThat(r.path("differing_rows").asInt()).isEqualTo(TAMPERED.size());
        // The text report says the same, and how to fix it.
        run = cli(a, "check", t.tenant().name());
        assertThat(run[0]).isEqualTo("9");
        assertThat(run[1]).contains(TAMPERED.size() + " differing row(s)").contains("id = 900000001 differs at b")
                .contains("cusp repair " + t.tenant().name() + " --from SITE");
        // The checking site now reports the group diverged, with an alert that names the repair.
        assertThat(a.site.group().monitor().siteHealth().label()).isEqualTo("diverged");
        JsonNode alerts = admin(a, "GET", "/api/v1/admin/group/alerts", null).json().path("alerts");
        assertThat(alerts.toString()).contains("\"state\":\"diverged\"").contains("at b")
                .contains("cusp repair " + t.tenant().name());
    }

    @Test
    @Order(3)
    void repairFromTheGoodSiteMakesEveryTableEqualEverywhere() throws Exception {
        // A report replica's certificate orders no writes at other sites: it names the peers instead.
        String[] refused = cli(c, "repair", t.tenant().name(), "--from", "a");
        assertThat(refused[0]).as(refused[1] + refused[2]).isEqualTo("6");
        assertThat(refused[2]).contains("report replica").contains("run the repair at a peer");
        // Run from b, so the fixes are written at a over mutual TLS.
        String[] run = cli(b, "repair", t.tenant().name(), "--from", "a", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(differingRows(r.path("before"))).isEqualTo(TAMPERED);
        assertThat(r.path("rows_rewritten").asInt()).isEqualTo(4);
        // The extra procedure_log row, and the tombstone b's hidden delete left (practice schema v3).
        assertThat(r.path("rows_deleted").asInt()).isEqualTo(2);
        assertThat(r.path("after").path("clean").asBoolean()).as(r.toString()).isTrue();
        awaitConverged(a, b, c);
        GroupSites.awaitSameData(db, a, b, c);
        run = cli(b, "check", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(json(run).path("clean").asBoolean()).isTrue();
        run = cli(a, "check", "--json");
        assertThat(run[0]).isEqualTo("0");
        assertThat(a.site.group().monitor().siteHealth().label()).as("a clean check clears diverged")
                .isNotEqualTo("diverged");
        assertThat(admin(a, "GET", "/api/v1/admin/group/alerts", null).json().path("alerts").toString())
                .doesNotContain("diverged");
        for (TestSite s : List.of(a, b, c)) {
            JsonNode st = admin(s, "GET", "/api/v1/admin/group", null).json();
            assertThat(st.toString()).as("replication still runs everywhere").doesNotContain("\"broken\"");
        }
    }

    @Test
    @Order(4)
    void refusalsNameTheFieldAndExitWithTheirCode() throws Exception {
        TestSite.Response resp = admin(a, "POST", "/api/v1/admin/group/check", Map.of("tenant", "nosuch"));
        assertThat(resp.status()).isEqualTo(404);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("tenant");
        assertThat(cli(a, "check", "nosuch")[0]).isEqualTo("5");

        resp = admin(a, "POST", "/api/v1/admin/group/repair", Map.of("from", "nosuch"));
        assertThat(resp.status()).isEqualTo(404);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("from");
        assertThat(cli(a, "repair", "--from", "nosuch")[0]).isEqualTo("5");

        resp = admin(a, "POST", "/api/v1/admin/group/repair", Map.of("from", "c"));
        assertThat(resp.status()).isEqualTo(409);
        assertThat(resp.json().at("/error/code").asText()).isEqualTo("READ_ONLY");
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("from");
        assertThat(resp.json().at("/error/message").asText()).contains("report replica").contains("a, b");
        String[] run = cli(a, "repair", "--from", "c");
        assertThat(run[0]).isEqualTo("6");
        assertThat(run[2]).contains("report replica");

        resp = admin(a, "POST", "/api/v1/admin/group/repair", Map.of("tenant", t.tenant().name()));
        assertThat(resp.status()).isEqualTo(400);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("from");
        assertThat(cli(a, "repair")[0]).as("--from is required").isEqualTo("2");

        // A peer that is down: refused as the source of a repair, and left out of a check, saying why.
        b.close();
        b = null;
        resp = admin(a, "POST", "/api/v1/admin/group/repair", Map.of("from", "b"));
        assertThat(resp.status()).isEqualTo(503);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("from");
        assertThat(cli(a, "repair", "--from", "b")[0]).isEqualTo("8");
        // ... and with a's link from b down, no repair at all: a fix could take a roundabout path.
        resp = admin(a, "POST", "/api/v1/admin/group/repair", Map.of("from", "a"));
        assertThat(resp.status()).isEqualTo(409);
        assertThat(resp.json().at("/error/message").asText()).contains("a from b");
        run = cli(a, "repair", t.tenant().name(), "--from", "a");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("6");
        assertThat(run[2]).contains("replication is not running everywhere").contains("a from b");
        run = cli(a, "check", t.tenant().name(), "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(r.path("sites_checked").toString()).isEqualTo("[\"a\",\"c\"]");
        assertThat(r.path("sites_skipped").get(0).path("site").asText()).isEqualTo("b");
        assertThat(r.path("sites_skipped").get(0).path("reason").asText()).contains("cannot reach");
    }
}
