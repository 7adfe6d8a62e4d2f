package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.closeAll;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.twoPeers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.replication.GtidPos;
import dev.cusp.site.SiteIdentity;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault 5 of issue 15, a site that holds what no other member gave it, in two forms:
 * <ol>
 *   <li>errant GTIDs: at b, a transaction is written under a's GTID domain and server_id (as a
 *   DBA's session with those variables set would), which a never wrote;</li>
 *   <li>a roll-back: b's folder is copied while b is stopped (a VM snapshot), b writes on, then
 *   is stopped and restored from the copy.</li>
 * </ol>
 * Each must be named at b (ERRANT_GTID, ROLLED_BACK), hold b's writes, name the re-seed that
 * mends it, and after that re-seed both sites are healthy with equal data.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolledBackIT {
    private static final Logger LOG = LoggerFactory.getLogger(RolledBackIT.class);
    static final Duration DETECTION_WAIT = Duration.ofSeconds(40);
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] pair = twoPeers("rollback");
        a = pair[0];
        b = pair[1];
    }

    @AfterAll
    static void stop() {
        closeAll(b, a);
    }

    static JsonNode reseedB(boolean discardLocal) throws Exception {
        return GroupSites.reseed(b, discardLocal);
    }

    /** Both sites healthy, unfenced, without the fault; the same data; a clean check. */
    static void awaitMended(String code, String db) throws Exception {
        GroupSites.awaitMended(code, Duration.ofSeconds(90), a, b);
        awaitConverged(a, b);
        GroupSites.awaitSameData(db, a, b);
        GroupSites.assertCheckClean(a);
    }

    @Test
    @Order(1)
    void errantTransactionsAreNamedFencedAndDiscardedByReseed() throws Exception {
        TenantService.Created t = a.newTenant("errant");
        String db = t.tenant().dbName();
        awaitConverged(a, b);
        SiteIdentity aId = a.site.home().identity();
        long t0 = System.nanoTime();
        try (Connection c = b.site.node().adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION gtid_domain_id = " + aId.gtidDomainId());
            s.execute("SET SESSION server_id = " + aId.serverId());
            s.execute("INSERT INTO `" + db + "`.patient (last_name, first_name) VALUES ('Errant', 'x')");
        }
        JsonNode x = GroupSites.awaitAlert(b, "ERRANT_GTID", DETECTION_WAIT);
        LOG.info("issue 15 note: ERRANT_GTID detected {} s after the errant write",
                String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        assertThat(x.path("state").asText()).isEqualTo("broken");
        assertThat(x.path("link").asText()).isEqualTo("errant:b");
        assertThat(x.path("message").asText()).contains("site a's").contains("1 transaction(s)");
        assertThat(x.path("fix").asText()).isEqualTo("cusp reseed b --discard-local (its errant transactions are"
                + " saved to a backup first)");
        JsonNode st = GroupSites.Json.tree(b.site.group().localStatus());
        assertThat(st.path("fenced").asText()).contains("errant").contains("cusp reseed b --discard-local");
        assertThat(st.path("health").asText()).isEqualTo("broken");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(b, "SELECT @@read_only") == 1);
        TestSite.Response w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", GroupSites.login(b, t),
                Map.of("last_name", "Held", "first_name", "x"));
        assertThat(w.status()).as(w.body()).isEqualTo(503);
        assertThat(admin(a, "GET", "/api/v1/admin/group", null).body()).contains("\"code\":\"ERRANT_GTID\"");
        assertThat(cli(b, "status")[1]).contains("[ERRANT_GTID]");
        assertThat(b.call("GET", "/metrics", null, null).body())
                .contains("cusp_site_fault{code=\"ERRANT_GTID\",subject=\"errant:b\"} 1.0");

        JsonNode refused = reseedB(false);
        assertThat(refused.path("state").asText()).as(refused.toString()).isEqualTo("failed");
        assertThat(refused.toString()).contains("1 transaction(s) that no reachable site has").contains("--discard-local");
        JsonNode done = reseedB(true);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/result/local_only_transactions_discarded").asLong()).isEqualTo(1);
        assertThat(Files.readString(Path.of(done.at("/result/backup").asText()).resolve(db + ".sql")))
                .contains("'Errant'");
        // a skipped the errant GTID on its link from b (its own domain is ignored there) but its
        // replicated position counts it: the positions meet again at a's next write.
        GroupSites.addPatient(a, t.tenant().name(), GroupSites.login(a, t), "AfterReseed");
        awaitMended("ERRANT_GTID", db);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name = 'Errant'")).isZero();
    }

    @Test
    @Order(2)
    void aSiteRestoredFromAnOldSnapshotIsNamedFencedAndReseeded() throws Exception {
        TenantService.Created t = a.newTenant("rolled");
        String db = t.tenant().dbName();
        awaitConverged(a, b);
        Path home = b.site.home().dir();
        int bPort = b.site.port();
        Map<String, String> settings = Map.of("site.name", "b", "port", Integer.toString(bPort));
        b.site.close();
        Path snapshot = TestSite.newHome("rollback-snapshot");
        copy(home, snapshot);
        b = b.restart(settings);
        GroupSites.awaitLinks(b, 1);
        String token = GroupSites.login(b, t);
        for (int i = 0; i < 5; i++) {
            GroupSites.addPatient(b, t.tenant().name(), token, "AfterSnapshot" + i);
        }
        awaitConverged(a, b);
        // a has seen b holding them (its watch looks every 2 s and remembers, in site/watch.json).
        GtidPos bNow = GtidPos.parse(GroupSites.text(b, "SELECT @@gtid_binlog_pos"));
        Path seenFile = a.site.home().dir().resolve("site/watch.json");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(seenFile) && GtidPos.parse(
                Json.MAPPER.readTree(seenFile.toFile()).at("/seen/b/pos").asText("")).covers(bNow));

        b.site.close();
        restore(snapshot, home);
        long t0 = System.nanoTime();
        b = b.restart(settings);
        double started = (System.nanoTime() - t0) / 1e9;
        JsonNode x = GroupSites.awaitAlert(b, "ROLLED_BACK", DETECTION_WAIT);
        LOG.info("issue 15 note: ROLLED_BACK detected at b {} s after its start began ({} s after it served)",
                String.format("%.1f", (System.nanoTime() - t0) / 1e9),
                String.format("%.1f", (System.nanoTime() - t0) / 1e9 - started));
        assertThat(x.path("state").asText()).isEqualTo("broken");
        assertThat(x.path("message").asText()).contains("site b holds").contains("went back in time")
                .contains("found by a");
        assertThat(x.path("fix").asText()).startsWith("cusp reseed b");
        JsonNode atA = GroupSites.awaitAlert(a, "ROLLED_BACK", DETECTION_WAIT);
        assertThat(atA.path("link").asText()).isEqualTo("rollback:b");
        assertThat(atA.path("state").asText()).as("a names b, and is not held by it").isEqualTo("warning");
        assertThat(GroupSites.Json.tree(b.site.group().localStatus()).path("fenced").asText()).contains("went back");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(b, "SELECT @@read_only") == 1);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name LIKE 'AfterSnapshot%'"))
                .as("the snapshot lacks b's own later writes").isZero();
        TestSite.Response w = b.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", GroupSites.login(b, t),
                Map.of("last_name", "Held", "first_name", "x"));
        assertThat(w.status()).as(w.body()).isEqualTo(503);

        JsonNode done = reseedB(false);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        awaitMended("ROLLED_BACK", db);
        assertThat(count(b, "SELECT COUNT(*) FROM `" + db + "`.patient WHERE last_name LIKE 'AfterSnapshot%'"))
                .isEqualTo(5);
        TestSite.deleteFolder(snapshot);
    }

    /** The site's folder but the MariaDB binaries (node/base), which a snapshot would hold unchanged. */
    static void copy(Path from, Path to) throws IOException {
        Path base = from.resolve("node/base");
        try (var w = Files.walk(from)) {
            for (Path p : w.filter(p -> !p.startsWith(base)).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Puts the snapshot back: every file but the binaries replaced by the snapshot's. */
    static void restore(Path snapshot, Path home) throws IOException {
        Path base = home.resolve("node/base");
        try (var w = Files.walk(home)) {
            w.filter(p -> !p.equals(home) && !p.startsWith(base) && !base.startsWith(p))
                    .sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        copy(snapshot, home);
    }
}
