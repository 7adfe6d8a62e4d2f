package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault 3 of issue 15: a table, then a whole tenant database, missing at the replica. At b, a
 * DBA drops one with the binary log off (so nothing tells a); a then writes to it. b's applier
 * stops on 1146 (or 1049): the link must read broken with MISSING_OBJECT, b is fenced, and the
 * alert names {@code cusp reseed b}, which is run and gives b a's data back, check clean.
 * {@code cusp repair} is no fix here: it re-writes rows and needs every link running.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MissingObjectIT extends OnFaultPair {
    private static final Logger LOG = LoggerFactory.getLogger(MissingObjectIT.class);
    /** The bound is 10 s; 40 s allows a loaded machine, and the seconds it took are logged. */
    static final Duration DETECTION_WAIT = Duration.ofSeconds(40);
    @Test
    @Order(1)
    void aTableDroppedAtTheReplicaIsNamedFencedAndMendedByReseed() throws Exception {
        injectAndMend("table", "SET SESSION foreign_key_checks = 0", "DROP TABLE `DB`.patient");
    }

    @Test
    @Order(2)
    void aDatabaseDroppedAtTheReplicaIsNamedFencedAndMendedByReseed() throws Exception {
        injectAndMend("database", "DROP DATABASE `DB`");
    }

    private void injectAndMend(String what, String... drop) throws Exception {
        TenantService.Created t = a.newTenant("missing" + what);
        String db = t.tenant().dbName();
        String token = GroupSites.login(a, t);
        GroupSites.addPatient(a, t.tenant().name(), token, "Before");
        awaitConverged(a, b);
        // Logged in at b before the drop: a login needs the practice's database, which b may lack.
        String tokenB = GroupSites.login(b, t);
        try (Connection c = b.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            for (String q : drop) {
                s.execute(q.replace("DB", db));
            }
        }
        long t0 = System.nanoTime();
        GroupSites.addPatient(a, t.tenant().name(), token, "After");
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        Awaitility.await().atMost(DETECTION_WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode st = GroupSites.Json.tree(b.site.group().localStatus());
            seen.set(st);
            assertThat(st.at("/links/0/code").asText()).as(st.toString()).isEqualTo("MISSING_OBJECT");
        });
        LOG.info("issue 15 note: MISSING_OBJECT ({} dropped) detected {} s after a's write", what,
                String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        JsonNode st = seen.get();
        assertThat(st.at("/links/0/state").asText()).isEqualTo("broken");
        assertThat(st.at("/links/0/last_errno").asInt()).isIn(1146, 1049);
        assertThat(st.at("/links/0/fix").asText()).isEqualTo("cusp reseed b");
        assertThat(st.path("fenced").asText()).contains("cusp reseed b");
        assertThat(admin(b, "GET", "/api/v1/admin/group/alerts", null).json().toString())
                .contains("\"code\":\"MISSING_OBJECT\"").contains("cusp reseed b");
        assertThat(cli(b, "status")[1]).contains("MISSING_OBJECT").contains("fix: cusp reseed b");
        assertThat(b.call("GET", "/metrics", null, null).body())
                .contains("cusp_replication_link_fault{code=\"MISSING_OBJECT\",source=\"a\"} 1.0");
        TestSite.Response w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", tokenB,
                Map.of("last_name", "Fenced", "first_name", "x"));
        assertThat(w.status()).as("b is fenced: " + w.body()).isEqualTo(503);

        JsonNode job = GroupSites.reseed(b, false);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        awaitConverged(a, b);
        // a's link from b is re-made too (b's binary log starts again at the seed): both end healthy.
        for (TestSite s : new TestSite[] {a, b}) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode now = GroupSites.Json.tree(s.site.group().localStatus());
                assertThat(now.at("/links/0/state").asText()).as(now.toString()).isEqualTo("healthy");
                assertThat(now.path("fenced").isNull()).as(now.toString()).isTrue();
            });
        }
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name IN ('Before', 'After')"))
                .isEqualTo(2);
        GroupSites.awaitSameData(db, a, b);
        GroupSites.assertCheckClean(a);
    }
}
