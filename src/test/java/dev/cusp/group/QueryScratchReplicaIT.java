package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The query window's scratch area on a real report replica: peer a and replica r. At r,
 * CREATE/INSERT/SELECT/UPDATE/DELETE/DROP on the practice's scratch database work (as temporary
 * tables of the caller's query session) and the practice's own tables stay read-only; at a, the
 * same statements are refused naming r.
 */
@Tag("slow")
class QueryScratchReplicaIT {
    static TestSite a;
    static TestSite r;

    @BeforeAll
    static void start() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        Future<TestSite> fa = ex.submit(() -> TestSite.start("query-a", Map.of("site.name", "a")));
        Future<TestSite> fr = ex.submit(() -> TestSite.start("query-r", Map.of("site.name", "r")));
        a = fa.get();
        r = fr.get();
        ex.shutdown();
        assertThat(GroupSites.join(r, GroupSites.invite(a, "replica"), false).path("state").asText()).isEqualTo("succeeded");
        GroupSites.awaitLinks(r, 1);
    }

    @AfterAll
    static void stop() {
        for (TestSite s : new TestSite[] {r, a}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static TestSite.Response query(TestSite s, String tenant, String token, String sql) {
        return s.call("POST", "/api/v1/t/" + tenant + "/query", token, Map.of("sql", sql));
    }

    @Test
    void scratchTablesWorkOnTheReplicaOnly() throws Exception {
        TenantService.Created t = a.newTenant("scratch");
        String name = t.tenant().name();
        String scratch = t.tenant().dbName() + "_scratch";
        GroupSites.addPatient(a, name, GroupSites.login(a, t), "Scratchy");
        GroupSites.awaitConverged(a, r);
        String atA = GroupSites.login(a, t);
        String atR = GroupSites.login(r, t);

        TestSite.Response refused = query(a, name, atA, "CREATE TABLE " + scratch + ".recall (id BIGINT)");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().at("/error/message").asText()).contains("only on a report replica")
                .contains("report replica r");

        String[] steps = {
            "CREATE TABLE " + scratch + ".recall (id BIGINT, last_name VARCHAR(100))",
            "INSERT INTO " + scratch + ".recall SELECT id, last_name FROM patient",
            "UPDATE " + scratch + ".recall SET last_name = UPPER(last_name)",
            "INSERT INTO " + scratch + ".recall VALUES (0, 'extra')",
            "DELETE FROM " + scratch + ".recall WHERE id = 0",
        };
        for (String s : steps) {
            TestSite.Response resp = query(r, name, atR, s);
            assertThat(resp.status()).as(s + " -> " + resp.body()).isEqualTo(200);
        }
        TestSite.Response rows = query(r, name, atR, "SELECT x.last_name FROM " + scratch + ".recall x JOIN patient p"
                + " ON p.id = x.id");
        assertThat(rows.status()).as(rows.body()).isEqualTo(200);
        assertThat(rows.json().path("rows").toString()).isEqualTo("[[\"SCRATCHY\"]]");
        assertThat(rows.json().path("logged_to").asText()).isEqualTo("site_log");

        // Another caller's session does not see them; the practice's own tables stay read-only.
        String other = GroupSites.login(r, t);
        assertThat(query(r, name, other, "SELECT * FROM " + scratch + ".recall").status()).isEqualTo(400);
        TestSite.Response own = query(r, name, atR, "INSERT INTO patient (last_name, first_name) VALUES ('x', 'y')");
        assertThat(own.status()).as(own.body()).isEqualTo(400);
        assertThat(own.json().at("/error/message").asText()).contains("scratch database");

        TestSite.Response drop = query(r, name, atR, "DROP TABLE " + scratch + ".recall");
        assertThat(drop.status()).as(drop.body()).isEqualTo(200);
        assertThat(query(r, name, atR, "SELECT * FROM " + scratch + ".recall").status()).isEqualTo(400);
        assertThat(GroupSites.count(r, "SELECT COUNT(*) FROM `" + t.tenant().dbName() + "`.patient")).isEqualTo(1);
    }
}
