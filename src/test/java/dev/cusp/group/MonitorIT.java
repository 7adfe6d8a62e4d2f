package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static dev.cusp.group.GroupSites.login;
import static dev.cusp.group.GroupSites.waitJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cusp.support.FaultyProxy;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real peers, a and b, and real faults: a cut link (disconnected, then healthy again, with
 * alerts raised and cleared, to the API and a webhook), the deletion guard and its override,
 * a conflicting write made directly at one node with conflicts resolved by hand (broken, fenced,
 * re-seeded, unfenced), and
 * the Prometheus metrics.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorIT {
    static TestSite a;
    static TestSite b;
    static HttpServer hook;
    static final List<String> HOOKED = new CopyOnWriteArrayList<>();
    static FaultyProxy proxy;
    static TenantService.Created t;
    /** A destructive route only site a serves, registered by test code through the ordinary API. */
    static final ShredRoutes SHREDS = new ShredRoutes();

    @BeforeAll
    static void start() throws Exception {
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/alerts", ex -> {
            HOOKED.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts";
        a = TestSite.start("mon-a", Map.of("site.name", "a", "monitor.webhook", url), List.of(SHREDS));
        // b resolves conflicts by hand: this class proves the broken -> fenced -> re-seeded path
        // (ConflictsIT proves the automatic one).
        b = TestSite.start("mon-b", Map.of("site.name", "b", "conflicts.resolve", "manual"));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        t = a.newTenant("monitor");
        awaitConverged(a, b);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (TestSite s : new TestSite[] {b, a}) {
            if (s != null) {
                s.close();
            }
        }
        if (hook != null) {
            hook.stop(0);
        }
    }

    static JsonNode awaitStatus(TestSite s, Predicate<JsonNode> done) throws Exception {
        java.util.concurrent.atomic.AtomicReference<JsonNode> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode st = dev.cusp.api.Json.MAPPER.valueToTree(s.site.group().localStatus());
                last.set(st);
                return st;
            }, done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("condition not reached: " + last.get(), e);
        }
    }

    @Test
    @Order(1)
    void metricsParseAsPrometheusText() throws Exception {
        awaitStatus(a, st -> st.at("/links/0/state").asText().equals("healthy"));
        TestSite.Response m = a.call("GET", "/metrics", null, null);
        assertThat(m.status()).isEqualTo(200);
        Pattern sample = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})?"
                + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( [0-9]+)?");
        for (String line : m.body().split("\n")) {
            if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertThat(line).as("a Prometheus sample line").matches(sample);
        }
        assertThat(m.body()).contains("cusp_replication_link_state{source=\"b\",state=\"healthy\"} 1.0")
                .contains("cusp_replication_fenced 0.0").contains("jvm_memory_used_bytes")
                .doesNotContain(t.tenant().name());
    }

    @Test
    @Order(2)
    void cutLinkIsDisconnectedGuardsDeletesThenHealsAndClearsItsAlert() throws Exception {
        proxy = GroupIT.routeThroughProxy(a, b);
        awaitStatus(a, st -> st.at("/links/0/state").asText().equals("healthy"));
        String token = login(a, t);
        long p1 = addPatient(a, t.tenant().name(), token, "Keep");
        long p2 = addPatient(a, t.tenant().name(), token, "Gone");
        awaitConverged(a, b);
        TestSite.Response shred = a.callUnchecked("DELETE", ShredRoutes.path(t.tenant().name(), 1), token, null);
        assertThat(shred.status()).as("a healthy group: the test's destructive route runs; " + shred.body()).isEqualTo(204);
        proxy.cut();
        JsonNode st = awaitStatus(a, s -> s.at("/links/0/state").asText().equals("disconnected"));
        assertThat(st.path("health").asText()).isEqualTo("disconnected");
        JsonNode alerts = admin(a, "GET", "/api/v1/admin/group/alerts", null).json().path("alerts");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("message").asText()).contains("from b is disconnected");
        assertThat(alerts.get(0).path("fix").asText()).isNotBlank();
        assertThat(alerts.get(0).path("since").asText()).isNotBlank();

        TestSite.Response del = a.call("DELETE", "/api/v1/t/" + t.tenant().name() + "/patients/" + p2, token, null);
        assertThat(del.status()).as(del.body()).isEqualTo(409);
        assertThat(del.json().at("/error/message").asText()).contains("site b is disconnected since");
        TestSite.Response merge = a.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients/merge", token,
                Map.of("from", p2, "into", p1));
        assertThat(merge.status()).isEqualTo(409);
        // The test's own route declares PRACTICE_DESTRUCTIVE and nothing else: the guard holds it too.
        shred = a.callUnchecked("DELETE", ShredRoutes.path(t.tenant().name(), 2), token, null);
        assertThat(shred.status()).as(shred.body()).isEqualTo(409);
        assertThat(shred.json().at("/error/message").asText()).contains("site b is disconnected since");
        assertThat(a.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", "StillWrites", "first_name", "x")).status()).as("plain writes go on").isEqualTo(201);

        TestSite.Response bad = admin(a, "POST", "/api/v1/admin/group/guard-override", Map.of("minutes", 0,
                "reason", "x"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/field").asText()).isEqualTo("minutes");
        String[] cli = GroupSites.cli(a, "site", "guard-override", "--minutes", "5", "--reason",
                "duplicate chart, van away all week");
        assertThat(cli[0]).as(cli[2]).isEqualTo("0");
        assertThat(cli[1]).contains("Deletion guard lifted");
        String[] status = GroupSites.cli(a, "status");
        assertThat(status[1]).contains("ALERT since").contains("deletion guard: site b is disconnected")
                .contains("<- b            disconnected");
        del = a.call("DELETE", "/api/v1/t/" + t.tenant().name() + "/patients/" + p2, token, null);
        assertThat(del.status()).as(del.body()).isIn(200, 204);
        assertThat(count(a, "SELECT COUNT(*) FROM `" + t.tenant().dbName() + "`.security_log WHERE action ="
                + " 'deletion_guard_override' AND details LIKE '%van away all week%'")).isEqualTo(1);
        shred = a.callUnchecked("DELETE", ShredRoutes.path(t.tenant().name(), 3), token, null);
        assertThat(shred.status()).as("under the override; " + shred.body()).isEqualTo(204);
        assertThat(SHREDS.shredded()).as("the held request never reached the handler").containsExactly("1", "3");
        assertThat(count(a, "SELECT COUNT(*) FROM `" + t.tenant().dbName() + "`.security_log WHERE action ="
                + " 'deletion_guard_override' AND entity = 'test-only/shreds/3' AND user_name = '"
                + t.adminUser() + "'")).isEqualTo(1);

        proxy.restore();
        awaitStatus(a, s -> s.at("/links/0/state").asText().equals("healthy") && s.path("alerts").isEmpty());
        assertThat(admin(a, "GET", "/api/v1/admin/group/alerts?all=true", null).json().at("/alerts/0/cleared_at")
                .asText()).isNotBlank();
        awaitConverged(a, b);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(HOOKED).anyMatch(h -> h.contains("\"cleared\"")));
        assertThat(HOOKED).anyMatch(h -> h.contains("\"raised\"") && h.contains("disconnected"));
    }

    @Test
    @Order(3)
    void conflictingWriteBreaksTheLinkFencesTheSiteAndReseedLiftsTheFence() throws Exception {
        String db = t.tenant().dbName();
        // A row made at b behind replication's back, then the same key written at a: b's
        // applier meets a duplicate key (1062) and stops.
        try (Connection c = b.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Local', 'b')");
        }
        try (Connection c = a.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Primary', 'a')");
        }
        JsonNode st = awaitStatus(b, s -> s.at("/links/0/state").asText().equals("broken"));
        assertThat(st.at("/links/0/detail").asText()).contains("1062");
        assertThat(st.path("fenced").asText()).contains("writes are refused here").contains("Write at a");

        String token = login(b, t);
        TestSite.Response w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", "Fenced", "first_name", "x"));
        assertThat(w.status()).isEqualTo(503);
        assertThat(w.json().at("/error/message").asText()).contains("Write at a").contains("cusp reseed b");
        assertThat(b.call("GET", "/api/v1/t/" + t.tenant().name() + "/patients?last_name=Keep", token, null).status())
                .as("reads go on").isEqualTo(200);
        assertThat(b.call("GET", "/metrics", null, null).body()).contains("cusp_replication_fenced 1.0");

        TestSite.Response r = admin(b, "POST", "/api/v1/admin/group/reseed", Map.of());
        JsonNode job = waitJob(b, r.json().get("id").asText(), null);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        awaitStatus(b, s -> s.at("/links/0/state").asText().equals("healthy") && s.path("fenced").isNull());
        w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", login(b, t),
                Map.of("last_name", "Unfenced", "first_name", "x"));
        assertThat(w.status()).as(w.body()).isEqualTo(201);
        awaitConverged(a, b);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE id = 900001 AND last_name = 'Primary'"))
                .isEqualTo(1);
    }
}
