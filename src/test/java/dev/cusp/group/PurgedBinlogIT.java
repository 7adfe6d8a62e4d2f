package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.closeAll;
import static dev.cusp.group.GroupSites.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cusp.replication.BinlogPlan;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault 1 of issue 15, as its "Why" tells it: peers a and b; b goes down; 500 patients are
 * written at a; a DBA tidying disk space flushes a's binary log twice and purges up to the
 * newest; b comes back. b cannot catch up (a answers 1236): the link must read broken with code
 * PURGED_BINLOG, not healthy, with an alert naming {@code cusp reseed b}; the re-seed then gives
 * b a's 500 patients and a clean check.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PurgedBinlogIT {
    private static final Logger LOG = LoggerFactory.getLogger(PurgedBinlogIT.class);
    /**
     * The bound is 10 s (the monitor looks every 2 s). The wait allows 30 s so a loaded
     * CI machine does not fail it; the seconds it took are logged for the note.
     */
    static final Duration DETECTION_WAIT = Duration.ofSeconds(30);
    static TestSite a;
    static TestSite b;
    static HttpServer hook;
    static final List<String> HOOKED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/alerts", ex -> {
            HOOKED.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        // a deletes binary logs as soon as no member needs them: the purge guard is all that keeps b's.
        TestSite[] pair = GroupSites.twoPeers("purged", Map.of("binlog.retain.days", "0"));
        a = pair[0];
        b = pair[1];
    }

    static List<String> binlogs(TestSite s) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * The purge guard: with b away, a's own deletion (retention 0 days here) keeps the logs b
     * has not applied, and b catches up by replication when it is back, no re-seed. Once b has
     * them, a deletes them.
     */
    @Test
    @Order(1)
    void theGuardKeepsWhatAnAbsentPeerHasNotApplied() throws Exception {
        TenantService.Created t = a.newTenant("guard");
        String db = t.tenant().dbName();
        awaitConverged(a, b);
        a.site.group().binlogs.run();
        int bPort = b.site.port();
        b.site.close();
        awaitNoDumpThread(a);
        try (Connection c = a.site.node().adminConnection(); Statement s = c.createStatement()) {
            insertPatients(s, db, "Kept", 300);
            s.execute("FLUSH BINARY LOGS");
            s.execute("FLUSH BINARY LOGS");
        }
        List<String> before = binlogs(a);
        BinlogPlan.Decision d = a.site.group().binlogs.run();
        assertThat(d.retainedFor()).as(d.toString()).containsKey("b");
        assertThat(d.lostBy()).isEmpty();
        assertThat(binlogs(a)).as("the files b needs are kept").containsAll(before.subList(before.size() - 3,
                before.size()));

        b = b.restart(Map.of("site.name", "b", "port", Integer.toString(bPort)));
        awaitConverged(a, b);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name LIKE 'Kept%'")).isEqualTo(300);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "healthy".equals(GroupSites.Json.tree(
                b.site.group().localStatus()).at("/links/0/state").asText()));
        // b's position reaches a's guard over the peer channel; a look may still see the older one.
        Awaitility.await("a deletes what b has applied").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    BinlogPlan.Decision now = a.site.group().binlogs.run();
                    assertThat(now.retainedFor()).as("b has them now").isEmpty();
                    assertThat(binlogs(a)).as("so a deletes them").hasSize(1);
                });
    }

    @AfterAll
    static void stop() {
        closeAll(b, a);
        if (hook != null) {
            hook.stop(0);
        }
    }

    /**
     * Waits until {@code s} has no binary log dump thread left (b's connection is gone). MariaDB
     * never deletes a log a connected replica reads: a purge right after b stops could be kept
     * by b's old dump thread, which a has not yet noticed is dead, and prove nothing.
     */
    static void awaitNoDumpThread(TestSite s) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> count(s, "SELECT COUNT(*) FROM"
                + " information_schema.processlist WHERE command LIKE 'Binlog Dump%'") == 0);
    }

    /** {@code n} patients in transactions of 100, as a busy day at a would write them. */
    static void insertPatients(Statement s, String db, String prefix, int n) throws java.sql.SQLException {
        for (int i = 0; i < n; i += 100) {
            StringBuilder sql = new StringBuilder("INSERT INTO `" + db + "`.patient (last_name, first_name) VALUES ");
            for (int j = i; j < Math.min(n, i + 100); j++) {
                sql.append(j == i ? "" : ",").append("('").append(prefix).append(j).append("', 'x')");
            }
            s.execute(sql.toString());
        }
    }

    @Test
    @Order(2)
    void purgedBinaryLogsAreBrokenNamedAlertedAndMendedByReseed() throws Exception {
        TenantService.Created t = a.newTenant("purged");
        String db = t.tenant().dbName();
        awaitConverged(a, b);
        int bPort = b.site.port();
        b.site.close();
        awaitNoDumpThread(a);

        try (Connection c = a.site.node().adminConnection(); Statement s = c.createStatement()) {
            insertPatients(s, db, "Purged", 500);
            s.execute("FLUSH BINARY LOGS");
            s.execute("FLUSH BINARY LOGS");
            String newest;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                newest = rs.getString(1);
            }
            // MariaDB keeps a file until InnoDB has made its commits durable (the binlog checkpoint,
            // a moment after the flush): the DBA's purge is repeated until only the newest is left.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                s.execute("PURGE BINARY LOGS TO '" + newest + "'");
                return binlogs(a).equals(List.of(newest));
            });
        }

        String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts";
        long up = System.nanoTime();
        b = b.restart(Map.of("site.name", "b", "port", Integer.toString(bPort), "monitor.webhook", hookUrl));
        long t0 = System.nanoTime();
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        Awaitility.await().atMost(DETECTION_WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode st = GroupSites.Json.tree(b.site.group().localStatus());
            seen.set(st);
            assertThat(st.at("/links/0/code").asText()).as(st.toString()).isEqualTo("PURGED_BINLOG");
        });
        double detected = (System.nanoTime() - t0) / 1e9;
        LOG.info("issue 15 note: PURGED_BINLOG detected {} s after b's start returned ({} s after 'cusp up' began)",
                String.format("%.1f", detected), String.format("%.1f", (System.nanoTime() - up) / 1e9));
        JsonNode st = seen.get();
        assertThat(st.at("/links/0/state").asText()).isEqualTo("broken");
        assertThat(st.at("/links/0/fix").asText()).isEqualTo("cusp reseed b");
        assertThat(st.path("health").asText()).isEqualTo("broken");
        assertThat(st.path("fenced").asText()).contains("cusp reseed b");
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name LIKE 'Purged%'")).isZero();

        // It stays broken: the reconciler's retries (every 30 s) never make it read healthy.
        Awaitility.await("the link stays PURGED_BINLOG").during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(500))
                .until(() -> GroupSites.Json.tree(b.site.group().localStatus()).at("/links/0/code").asText()
                        .equals("PURGED_BINLOG"));
        JsonNode alerts = admin(b, "GET", "/api/v1/admin/group/alerts", null).json().path("alerts");
        assertThat(alerts.toString()).contains("\"code\":\"PURGED_BINLOG\"").contains("cusp reseed b");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> HOOKED.stream()
                .anyMatch(h -> h.contains("\"raised\"") && h.contains("PURGED_BINLOG") && h.contains("cusp reseed b")));
        String[] status = cli(b, "status");
        assertThat(status[1]).contains("<- a").contains("broken").contains("PURGED_BINLOG").contains("fix: cusp reseed b");
        // a's own status shows the whole group, b's link included.
        JsonNode group = admin(a, "GET", "/api/v1/admin/group", null).json();
        assertThat(group.toString()).contains("\"code\":\"PURGED_BINLOG\"");
        assertThat(b.call("GET", "/metrics", null, null).body())
                .contains("cusp_replication_link_fault{code=\"PURGED_BINLOG\",source=\"a\"} 1.0");

        JsonNode job = GroupSites.reseed(b, false);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        awaitConverged(a, b);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name LIKE 'Purged%'"))
                .isEqualTo(500);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "healthy".equals(GroupSites.Json.tree(
                b.site.group().localStatus()).at("/links/0/state").asText()));
        GroupSites.assertCheckClean(a);
    }
}
