package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.peersAndReplica;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code cusp dbm} on three real sites: peers a and b, and c, a report replica of a. Bad rows
 * written with the binary log on reach every site, so the sites agree; a row written at b alone
 * (binary log off) makes that one method differ, and its fix is refused. An unsafe fix needs the
 * override and is logged; a fix at one site reaches every site; a second fix finds nothing.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DbmGroupIT {
    static TestSite a;
    static TestSite b;
    static TestSite c;
    static TenantService.Created t;
    static String name;
    static String db;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] sites = peersAndReplica("dbm");
        a = sites[0];
        b = sites[1];
        c = sites[2];
        t = a.newTenant("dbmg");
        name = t.tenant().name();
        db = t.tenant().dbName();
        // Bad rows written with the binary log on: they replicate, so every site finds them.
        run(a, false, "INSERT INTO fee_schedule (id, description) VALUES (1000, 'Standard')",
                "INSERT INTO procedure_code (id, code, description, category) VALUES (1000, 'T1000', 'Exam', 'Test')",
                "INSERT INTO provider (id, abbr, last_name) VALUES (1000, 'DOC', 'Doe')",
                "INSERT INTO patient (id, last_name, first_name) VALUES (1000, 'Smith', 'Ann')",
                "INSERT INTO fee (id, fee_schedule_id, procedure_code_id, amount) VALUES (2043, 1000, 1000, 50),"
                        + " (2044, 1000, 1000, 60)",
                "INSERT INTO appointment (id, patient_id, provider_id, start_at, length_minutes, status) VALUES"
                        + " (2039, 1000, 1000, '2999-03-06 09:00', 30, 'complete')");
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

    /** Runs statements in the tenant's database at one site, as the node admin, optionally behind replication's back. */
    static void run(TestSite s, boolean binlogOff, String... sql) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement()) {
            if (binlogOff) {
                st.execute("SET SESSION sql_log_bin = 0");
            }
            st.execute("USE `" + db + "`");
            for (String q : sql) {
                st.execute(q);
            }
        }
    }

    static JsonNode method(JsonNode report, String method) {
        for (JsonNode m : report.path("tenants").get(0).path("methods")) {
            if (m.path("method").asText().equals(method)) {
                return m;
            }
        }
        throw new AssertionError("no " + method + " in " + report);
    }

    static JsonNode json(String[] run) throws Exception {
        return Json.MAPPER.readTree(run[1]);
    }

    @Test
    @Order(1)
    void rowsEverySiteHasAreFoundAlikeEverywhere() throws Exception {
        String[] run = cli(a, "dbm", "check", name, "--all-sites", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(r.path("sites").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(r.path("agree").asBoolean()).isTrue();
        JsonNode fee = method(r, "fee-duplicate");
        assertThat(fee.path("state").asText()).isEqualTo("agree");
        for (String s : List.of("a", "b", "c")) {
            assertThat(fee.path("results").path(s).path("count").asLong()).isEqualTo(1);
            assertThat(fee.path("results").path(s).path("ids").toString()).isEqualTo("[2044]");
        }
        // From the report replica too, in text.
        run = cli(c, "dbm", "check", name, "--all-sites");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(run[1]).containsPattern("fee-duplicate +c 1  a 1  b 1  agree")
                .containsPattern("appointment-complete-in-future +\\[unsafe\\]  c 1  a 1  b 1  agree");
    }

    @Test
    @Order(2)
    void aRowChangedAtOneSiteMakesThatMethodDiffer() throws Exception {
        run(b, true, "INSERT INTO patient (id, last_name, first_name) VALUES (2031, '', 'Blank')");
        String[] run = cli(a, "dbm", "check", name, "--all-sites", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("9");
        JsonNode r = json(run);
        assertThat(r.path("agree").asBoolean()).isFalse();
        assertThat(r.path("differing").asInt()).isEqualTo(1);
        JsonNode blank = method(r, "patient-name-blank");
        assertThat(blank.path("state").asText()).isEqualTo("differ");
        assertThat(blank.path("differing_sites").toString()).isEqualTo("[\"b\"]");
        assertThat(blank.path("results").path("b").path("ids").toString()).isEqualTo("[2031]");
        assertThat(blank.path("results").path("a").path("count").asLong()).isZero();
        assertThat(blank.path("results").path("c").path("count").asLong()).isZero();
        assertThat(method(r, "fee-duplicate").path("state").asText()).isEqualTo("agree");
        run = cli(a, "dbm", "check", name, "--all-sites");
        assertThat(run[0]).isEqualTo("9");
        assertThat(run[1]).contains("patient-name-blank").contains("a 0  b 1  c 0  DIFFER (b)")
                .contains("cusp reseed SITE");
        // Without --all-sites, each site sees only its own data: b finds the row, a does not.
        assertThat(method(json(cli(b, "dbm", "check", name, "--json")), "patient-name-blank").path("results")
                .path("b").path("count").asLong()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aFixIsRefusedForAMethodTheSitesDisagreeOn() throws Exception {
        TestSite.Response resp = admin(a, "POST", "/api/v1/admin/tenants/" + name + "/dbm/fix",
                Map.of("methods", List.of("patient-name-blank")));
        assertThat(resp.status()).as(resp.body()).isEqualTo(409);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("methods");
        assertThat(resp.json().at("/error/message").asText()).contains("patient-name-blank (differs at b)")
                .contains("cusp check " + name).contains("cusp reseed");
        String[] run = cli(b, "dbm", "fix", "--tenant", name, "patient-name-blank");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("6");
        assertThat(run[2]).contains("differs at b");
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE id = 2031 AND last_name = ''"))
                .as("nothing changed").isEqualTo(1);
        assertThat(count(a, "SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action LIKE 'dbm-%'")).isZero();
    }

    @Test
    @Order(4)
    void anUnsafeFixNeedsTheOverrideAndIsLoggedWithIt() throws Exception {
        TestSite.Response resp = admin(a, "POST", "/api/v1/admin/tenants/" + name + "/dbm/fix",
                Map.of("methods", List.of("appointment-complete-in-future")));
        assertThat(resp.status()).as(resp.body()).isEqualTo(403);
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("allow_unsafe");
        String[] run = cli(a, "dbm", "fix", "--tenant", name, "appointment-complete-in-future");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("4");
        assertThat(run[2]).contains("not safe under replication").contains("--allow-unsafe");
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.appointment WHERE id = 2039 AND status = 'complete'"))
                .isEqualTo(1);

        run = cli(a, "dbm", "fix", "--tenant", name, "appointment-complete-in-future", "--allow-unsafe", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(r.path("clean").asBoolean()).isTrue();
        assertThat(r.at("/fixed/0/unsafe_override").asBoolean()).isTrue();
        awaitConverged(a, b, c);
        for (TestSite s : List.of(a, b, c)) {
            assertThat(count(s, "SELECT COUNT(*) FROM `" + db + "`.appointment WHERE id = 2039 AND status ="
                    + " 'scheduled'")).isEqualTo(1);
            assertThat(count(s, "SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-unsafe-override'"
                    + " AND user_name = 'site-admin' AND site = 'a' AND details LIKE"
                    + " '%appointment-complete-in-future%--allow-unsafe%'")).as("logged, and replicated").isEqualTo(1);
        }
    }

    @Test
    @Order(5)
    void aFixAtOneSiteReachesEverySite() throws Exception {
        // A report replica cannot run a fix, and says where to.
        String[] run = cli(c, "dbm", "fix", "--tenant", name, "fee-duplicate");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("6");
        assertThat(run[2]).contains("report replica").contains("--site");
        // Nor at a peer: the fix would be ordered with the replica's certificate, which orders no writes.
        run = cli(c, "dbm", "fix", "--tenant", name, "fee-duplicate", "--site", "a");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("6");
        assertThat(run[2]).contains("report replica").contains("run the fix at a peer");
        TestSite.Response resp = admin(a, "POST", "/api/v1/admin/tenants/" + name + "/dbm/fix",
                Map.of("methods", List.of("fee-duplicate"), "site", "c"));
        assertThat(resp.status()).isEqualTo(409);
        assertThat(resp.json().at("/error/code").asText()).isEqualTo("READ_ONLY");
        assertThat(resp.json().at("/error/field").asText()).isEqualTo("site");

        // Asked at b, run at a only; replication carries it to b and c.
        run = cli(b, "dbm", "fix", "--tenant", name, "fee-duplicate", "--site", "a", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        JsonNode r = json(run);
        assertThat(r.path("site").asText()).isEqualTo("a");
        assertThat(r.path("clean").asBoolean()).isTrue();
        assertThat(r.path("sites").toString()).isEqualTo("[\"b\",\"a\",\"c\"]");
        for (JsonNode m : r.path("after")) {
            for (String s : List.of("a", "b", "c")) {
                assertThat(m.path("results").path(s).path("count").asLong()).as(m.toString()).isZero();
            }
        }
        awaitConverged(a, b, c);
        for (TestSite s : List.of(a, b, c)) {
            assertThat(count(s, "SELECT COUNT(*) FROM `" + db + "`.fee WHERE id IN (2043, 2044)")).isEqualTo(1);
        }
        assertThat(count(c, "SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-fix' AND site = 'a'"
                + " AND details LIKE 'dbm fix fee-duplicate%asked by site admin at b'")).isEqualTo(1);
        // The row b alone had is still there: nothing touched it.
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE id = 2031")).isEqualTo(1);
    }

    @Test
    @Order(6)
    void aSecondFixFindsNothing() throws Exception {
        String[] run = cli(a, "dbm", "fix", "--tenant", name, "fee-duplicate");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(run[1]).contains("nothing found at any site").contains("Every site (a, b, c) now finds nothing");
        JsonNode r = json(cli(a, "dbm", "check", name, "--all-sites", "--method", "fee-duplicate", "--json"));
        assertThat(method(r, "fee-duplicate").path("state").asText()).isEqualTo("agree");
        assertThat(r.path("rows_found").asLong()).isZero();
        assertThat(count(a, "SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-fix'")).isEqualTo(2);
    }

    @Test
    @Order(7)
    void aSiteThatCannotBeReachedIsShownAsSuchNotAsAgreement() throws Exception {
        c.close();
        c = null;
        String[] run = cli(a, "dbm", "check", name, "--all-sites", "--method", "fee-duplicate", "--json");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("9");
        JsonNode r = json(run);
        assertThat(r.path("agree").asBoolean()).isFalse();
        assertThat(r.path("sites_missing").get(0).path("site").asText()).isEqualTo("c");
        assertThat(method(r, "fee-duplicate").path("state").asText()).isEqualTo("incomplete");
        assertThat(method(r, "fee-duplicate").path("results").path("c").path("error").asText()).contains("cannot reach");
        TestSite.Response resp = admin(a, "POST", "/api/v1/admin/tenants/" + name + "/dbm/fix",
                Map.of("methods", List.of("fee-duplicate")));
        assertThat(resp.status()).isEqualTo(503);
        assertThat(resp.json().at("/error/message").asText()).contains("site c cannot be compared");
    }
}
