package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.awaitAppliers;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.awaitSameData;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static dev.cusp.group.GroupSites.login;
import static dev.cusp.group.GroupSites.nextChangeTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.support.FaultyProxy;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replication conflicts between two real peers, made with real faults: a write made directly at
 * one node behind replication's back (duplicate key: broken, fenced, resolved, unfenced), and a
 * partition (both links cut with proxies) during which the same row is deleted at one site and
 * updated at the other, or updated at both. Every time: the sites converge (CHECKSUM TABLE of
 * every table is equal at both), the conflict is logged with both row images, and the losing
 * version comes back everywhere with one command.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConflictsIT {
    static TestSite a;
    static TestSite b;
    static FaultyProxy aFromB;
    static FaultyProxy bFromA;

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("conf-a", Map.of("site.name", "a"));
        b = TestSite.start("conf-b", Map.of("site.name", "b"));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        aFromB = GroupIT.routeThroughProxy(a, b);
        bFromA = GroupIT.routeThroughProxy(b, a);
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        // Two sites, one source each: every conflict here is met by parallel appliers.
        awaitAppliers(a, EmbeddedNode.PARALLEL_APPLIERS);
        awaitAppliers(b, EmbeddedNode.PARALLEL_APPLIERS);
    }

    @AfterAll
    static void stop() {
        for (FaultyProxy p : new FaultyProxy[] {aFromB, bFromA}) {
            if (p != null) {
                p.close();
            }
        }
        for (TestSite s : new TestSite[] {b, a}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static JsonNode awaitStatus(TestSite s, Predicate<JsonNode> done) throws Exception {
        java.util.concurrent.atomic.AtomicReference<JsonNode> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonNode st = dev.cusp.api.Json.MAPPER.valueToTree(s.site.group().localStatus());
                last.set(st);
                return st;
            }, done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("condition not reached: " + last.get(), e);
        }
    }

    static boolean healthy(JsonNode st) {
        return st.at("/links/0/state").asText().equals("healthy") && st.path("fenced").isNull();
    }

    /** Both links healthy, the same GTID position at both sites, and every table identical. */
    static void awaitSame(TenantService.Created t) throws Exception {
        awaitStatus(a, ConflictsIT::healthy);
        awaitStatus(b, ConflictsIT::healthy);
        awaitConverged(a, b);
        assertThat(awaitSameData(t.tenant().dbName(), a, b)).containsKeys("conflict_log", "row_tombstone", "patient");
    }

    static JsonNode conflicts(TestSite s, TenantService.Created t) throws Exception {
        TestSite.Response r = admin(s, "GET", "/api/v1/admin/conflicts?tenant=" + t.tenant().name(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("conflicts");
    }

    static String lastName(TestSite s, TenantService.Created t, long id) throws Exception {
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT last_name FROM `" + t.tenant().dbName() + "`.patient WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void partition() throws Exception {
        aFromB.cut();
        bFromA.cut();
        awaitStatus(a, st -> st.at("/links/0/state").asText().equals("disconnected"));
        awaitStatus(b, st -> st.at("/links/0/state").asText().equals("disconnected"));
    }

    /** During a partition, patient {@code p} is deleted at a (guard overridden) and renamed at b; then the links heal. */
    static void deleteAtAUpdateAtBWhileParted(TenantService.Created t, long p, String newName) throws Exception {
        String name = t.tenant().name();
        String tokenA = login(a, t);
        String tokenB = login(b, t);
        partition();
        assertThat(admin(a, "POST", "/api/v1/admin/group/guard-override", Map.of("minutes", 5,
                "reason", "conflict test")).status()).isEqualTo(200);
        TestSite.Response del = a.call("DELETE", "/api/v1/t/" + name + "/patients/" + p, tokenA, null);
        assertThat(del.status()).as(del.body()).isIn(200, 204);
        TestSite.Response up = b.call("PUT", "/api/v1/t/" + name + "/patients/" + p, tokenB,
                Map.of("last_name", newName));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        heal();
    }

    static void heal() {
        aFromB.restore();
        bFromA.restore();
    }

    @Test
    @Order(1)
    void aConflictingDirectWriteIsBrokenFencedResolvedUnfencedAndLogged() throws Exception {
        TenantService.Created t = a.newTenant("confdup");
        awaitConverged(a, b);
        String db = t.tenant().dbName();
        // A row made at b behind replication's back, then the same key written later at a.
        try (Connection c = b.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Local', 'b')");
        }
        nextChangeTime();
        try (Connection c = a.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Primary', 'a')");
        }
        JsonNode st = awaitStatus(b, s -> s.at("/links/0/state").asText().equals("broken"));
        assertThat(st.at("/links/0/detail").asText()).contains("1062");
        assertThat(st.path("fenced").asText()).contains("writes are refused here");
        TestSite.Response w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", login(b, t),
                Map.of("last_name", "Fenced", "first_name", "x"));
        assertThat(w.status()).as("fenced while broken: " + w.body()).isEqualTo(503);

        awaitSame(t);
        w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", login(b, t),
                Map.of("last_name", "Unfenced", "first_name", "x"));
        assertThat(w.status()).as(w.body()).isEqualTo(201);
        assertThat(lastName(a, t, 900001)).isEqualTo("Primary");
        assertThat(lastName(b, t, 900001)).as("the newer insert (a's) wins everywhere").isEqualTo("Primary");
        JsonNode list = conflicts(a, t);
        assertThat(list).hasSize(1);
        JsonNode k = list.get(0);
        assertThat(k.path("kind").asText()).isEqualTo("duplicate-key");
        assertThat(k.path("table").asText()).isEqualTo("patient");
        assertThat(k.path("row_id").asLong()).isEqualTo(900001);
        assertThat(k.path("detected_site").asText()).isEqualTo("b");
        assertThat(k.at("/local/site").asText()).isEqualTo("b");
        assertThat(k.at("/local/image/last_name").asText()).isEqualTo("Local");
        assertThat(k.at("/incoming/site").asText()).isEqualTo("a");
        assertThat(k.at("/incoming/image/last_name").asText()).isEqualTo("Primary");
        assertThat(k.path("winner").asText()).isEqualTo("incoming");
        assertThat(parallelMode(b, "a")).as("back to parallel after the resolution").isEqualTo("optimistic");
        assertThat(admin(a, "GET", "/api/v1/admin/group/alerts?all=true", null).body()).doesNotContain("\"broken\"");
        assertThat(admin(b, "GET", "/api/v1/admin/group/alerts?all=true", null).json().path("alerts").toString())
                .contains("broken").contains("cleared_at");
    }

    @Test
    @Order(2)
    void deleteAgainstUpdateDuringAPartitionConvergesDeletedAndTheUpdateIsRestorable() throws Exception {
        TenantService.Created t = a.newTenant("confdel");
        String name = t.tenant().name();
        long p = addPatient(a, name, login(a, t), "Both");
        awaitConverged(a, b);
        deleteAtAUpdateAtBWhileParted(t, p, "UpdatedAtB");

        awaitSame(t);
        assertThat(lastName(a, t, p)).as("a delete wins over an update (default)").isNull();
        assertThat(lastName(b, t, p)).isNull();
        JsonNode list = conflicts(b, t);
        assertThat(list).hasSize(1);
        JsonNode k = list.get(0);
        assertThat(k.path("kind").asText()).isEqualTo("delete-update");
        assertThat(k.path("row_id").asLong()).isEqualTo(p);
        assertThat(k.at("/local/change").asText()).isEqualTo("update");
        assertThat(k.at("/local/image/last_name").asText()).isEqualTo("UpdatedAtB");
        assertThat(k.at("/incoming/change").asText()).isEqualTo("delete");
        assertThat(k.at("/incoming/site").asText()).isEqualTo("a");
        assertThat(k.at("/incoming/image/last_name").asText()).as("the version a deleted").isEqualTo("Both");
        assertThat(k.path("winner").asText()).isEqualTo("incoming");
        assertThat(k.path("rule").asText()).contains("delete wins");

        String[] listed = GroupSites.cli(a, "conflicts", name);
        assertThat(listed[0]).as(listed[2]).isEqualTo("0");
        assertThat(listed[1]).contains("delete-update").contains("UpdatedAtB").contains("a won")
                .contains("cusp conflicts restore " + name + " " + k.path("id").asLong());
        String[] restored = GroupSites.cli(a, "conflicts", "restore", name, k.path("id").asText());
        assertThat(restored[0]).as(restored[2]).isEqualTo("0");
        awaitSame(t);
        assertThat(lastName(a, t, p)).as("the losing update is back everywhere").isEqualTo("UpdatedAtB");
        assertThat(lastName(b, t, p)).isEqualTo("UpdatedAtB");
        assertThat(conflicts(b, t).get(0).path("status").asText()).isEqualTo("restored");
        assertThat(count(b, "SELECT COUNT(*) FROM `" + t.tenant().dbName() + "`.security_log WHERE action ="
                + " 'conflict-restore' AND entity_id = " + p)).isEqualTo(1);
        String[] again = GroupSites.cli(a, "conflicts", "restore", name, k.path("id").asText());
        assertThat(again[0]).as("restoring twice is refused").isEqualTo("6");
        assertThat(again[2]).contains("already restored");
    }

    @Test
    @Order(3)
    void updateAgainstUpdateDuringAPartitionConvergesToTheNewestAndTheLoserIsRestorable() throws Exception {
        TenantService.Created t = a.newTenant("confupd");
        String name = t.tenant().name();
        long p = addPatient(a, name, login(a, t), "Original");
        awaitConverged(a, b);
        String tokenA = login(a, t);
        String tokenB = login(b, t);
        partition();
        TestSite.Response up = a.call("PUT", "/api/v1/t/" + name + "/patients/" + p, tokenA,
                Map.of("last_name", "FromA", "city", "Springfield"));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        nextChangeTime();
        up = b.call("PUT", "/api/v1/t/" + name + "/patients/" + p, tokenB, Map.of("last_name", "FromB"));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        heal();

        awaitSame(t);
        assertThat(lastName(a, t, p)).as("the newest change (b's) wins everywhere").isEqualTo("FromB");
        assertThat(lastName(b, t, p)).isEqualTo("FromB");
        JsonNode list = conflicts(a, t);
        assertThat(list).as("recorded once, by the site whose version lost").hasSize(1);
        JsonNode k = list.get(0);
        assertThat(k.path("kind").asText()).isEqualTo("update-update");
        assertThat(k.path("detected_site").asText()).isEqualTo("a");
        assertThat(k.at("/local/image/last_name").asText()).isEqualTo("FromA");
        assertThat(k.at("/local/image/city").asText()).isEqualTo("Springfield");
        assertThat(k.at("/incoming/image/last_name").asText()).isEqualTo("FromB");
        assertThat(k.at("/incoming/site").asText()).isEqualTo("b");
        assertThat(k.path("winner").asText()).isEqualTo("incoming");

        TestSite.Response r = admin(b, "POST", "/api/v1/admin/conflicts/" + name + "/" + k.path("id").asLong()
                + "/restore", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        awaitSame(t);
        assertThat(lastName(a, t, p)).as("the loser is back everywhere").isEqualTo("FromA");
        assertThat(lastName(b, t, p)).isEqualTo("FromA");
        assertThat(count(b, "SELECT COUNT(*) FROM `" + t.tenant().dbName() + "`.patient WHERE id = " + p
                + " AND city = 'Springfield'")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void withUpdateWinsTheUpdatedRowSurvivesADeleteEverywhereAndTheDeleteIsRestorable() throws Exception {
        // The same folders, the same nodes and HTTPS ports (as a real site's), the links still through
        // the proxies.
        a = a.restart(Map.of("site.name", "a", "port", Integer.toString(a.site.port()), "conflicts.delete.wins",
                "false"));
        b = b.restart(Map.of("site.name", "b", "port", Integer.toString(b.site.port()), "conflicts.delete.wins",
                "false"));
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        TenantService.Created t = a.newTenant("confkeep");
        String name = t.tenant().name();
        long p = addPatient(a, name, login(a, t), "Both");
        awaitConverged(a, b);
        deleteAtAUpdateAtBWhileParted(t, p, "Kept");

        awaitSame(t);
        assertThat(lastName(a, t, p)).as("conflicts.delete.wins=false: the update wins").isEqualTo("Kept");
        assertThat(lastName(b, t, p)).isEqualTo("Kept");
        JsonNode list = conflicts(a, t);
        assertThat(list).hasSize(1);
        JsonNode k = list.get(0);
        assertThat(k.path("kind").asText()).isEqualTo("delete-update");
        assertThat(k.path("detected_site").asText()).isEqualTo("a");
        assertThat(k.at("/local/change").asText()).isEqualTo("delete");
        assertThat(k.at("/local/image/last_name").asText()).isEqualTo("Both");
        assertThat(k.at("/incoming/image/last_name").asText()).isEqualTo("Kept");
        assertThat(k.path("rule").asText()).contains("update wins");

        String[] restored = GroupSites.cli(b, "conflicts", "restore", name, k.path("id").asText());
        assertThat(restored[0]).as(restored[2]).isEqualTo("0");
        awaitSame(t);
        assertThat(lastName(a, t, p)).as("the losing delete, restored, deletes it everywhere").isNull();
        assertThat(lastName(b, t, p)).isNull();
    }

    @Test
    @Order(4)
    void badInputGetsClearErrors() throws Exception {
        TenantService.Created t = a.newTenant("confbad");
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/conflicts/" + t.tenant().name() + "/x/restore", Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("id");
        r = admin(a, "POST", "/api/v1/admin/conflicts/" + t.tenant().name() + "/424242/restore", Map.of());
        assertThat(r.status()).isEqualTo(404);
        r = admin(a, "GET", "/api/v1/admin/conflicts?tenant=nosuchtenant", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("tenant");
        String[] cli = GroupSites.cli(a, "conflicts", t.tenant().name());
        assertThat(cli[0]).isEqualTo("0");
        assertThat(cli[1]).contains("No replication conflicts");
    }

    /** How a channel applies (SHOW SLAVE STATUS Parallel_Mode). */
    static String parallelMode(TestSite s, String channel) throws Exception {
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW SLAVE '" + channel + "' STATUS")) {
            assertThat(rs.next()).isTrue();
            return rs.getString("Parallel_Mode");
        }
    }
}
