package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.GroupChecks;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the group tests do to their sites: the admin API with the local CLI token, invites and
 * joins, waiting for jobs, links and convergence, comparing data, and the real CLI.
 */
final class GroupSites {
    private GroupSites() {
    }

    static String adminToken(TestSite s) throws Exception {
        return Files.readString(s.site.home().cliToken()).trim();
    }

    static TestSite.Response admin(TestSite s, String method, String path, Object body) throws Exception {
        return s.call(method, path, adminToken(s), body);
    }

    static String invite(TestSite s, String role) throws Exception {
        TestSite.Response resp = admin(s, "POST", "/api/v1/admin/group/invites", Map.of("role", role));
        assertThat(resp.status()).as(resp.body()).isEqualTo(201);
        return resp.json().get("token").asText();
    }

    /** Starts a join at {@code s} and waits for its job; returns the job's final state. */
    static JsonNode join(TestSite s, String token, boolean force) throws Exception {
        TestSite.Response resp = admin(s, "POST", "/api/v1/admin/group/join", Map.of("token", token, "force", force));
        assertThat(resp.status()).as(resp.body()).isEqualTo(202);
        return waitJob(s, resp.json().get("id").asText(), null);
    }

    static JsonNode waitJob(TestSite s, String id, String site) throws Exception {
        String path = "/api/v1/admin/jobs/" + id + (site == null ? "" : "?site=" + site);
        return await("job " + id + " to finish").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
                .until(() -> admin(s, "GET", path, null).json(), j -> !j.path("state").asText().equals("running"));
    }

    static String pos(TestSite s) throws Exception {
        return GroupChecks.gtidCurrentPos(s.site);
    }

    /** Waits until every given site holds the same GTID position (all changes everywhere). */
    static void awaitConverged(TestSite... sites) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                seen.clear();
                for (TestSite s : sites) {
                    seen.put(s.site.group().siteName(), dev.cusp.replication.GtidPos.parse(pos(s)).toString());
                }
                return seen.values().stream().distinct().count() == 1;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("sites did not converge: " + seen + "\n" + admin(sites[0], "GET",
                    "/api/v1/admin/group", null).body(), e);
        }
    }

    /**
     * Every site holds the same rows of {@code db}, within 30 s. Equal GTID positions are not
     * enough: the conflict resolver applies a stopped transaction first and puts the winning
     * version back right after, so a check between the two sees the loser for a moment.
     */
    static Map<String, Long> awaitSameData(String db, TestSite... sites) throws Exception {
        Map<String, Map<String, Long>> seen = new TreeMap<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            seen.clear();
            for (TestSite s : sites) {
                seen.put(s.site.group().siteName(), checksums(s, db));
            }
            Map<String, Long> first = seen.get(sites[0].site.group().siteName());
            for (TestSite s : sites) {
                assertThat(seen.get(s.site.group().siteName())).as("CHECKSUM TABLE of every table of " + db + ", "
                        + s.site.group().siteName() + " vs " + sites[0].site.group().siteName()).isEqualTo(first);
            }
        });
        return seen.get(sites[0].site.group().siteName());
    }

    /** CHECKSUM TABLE of every table of a database, by table name. */
    static Map<String, Long> checksums(TestSite s, String db) throws Exception {
        return GroupChecks.checksums(s.site, db);
    }

    static long count(TestSite s, String sql) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String login(TestSite s, TenantService.Created t) {
        TestSite.Response resp = s.call("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword()));
        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        return resp.json().get("token").asText();
    }

    static long addPatient(TestSite s, String tenant, String token, String name) {
        TestSite.Response resp = s.call("POST", "/api/v1/t/" + tenant + "/patients", token,
                Map.of("last_name", name, "first_name", "Pat"));
        assertThat(resp.status()).as(resp.body()).isEqualTo(201);
        return resp.json().get("id").asLong();
    }

    /** Two new sites, a and b (labels prefix-a, prefix-b), b joined to a as a peer, both links running. */
    static TestSite[] twoPeers(String prefix) throws Exception {
        return twoPeers(prefix, Map.of());
    }

    /** As {@link #twoPeers(String)}, a started with the given settings too. */
    static TestSite[] twoPeers(String prefix, Map<String, String> aSettings) throws Exception {
        Map<String, String> atA = new java.util.HashMap<>(aSettings);
        atA.put("site.name", "a");
        TestSite a = TestSite.start(prefix + "-a", atA);
        TestSite b = TestSite.start(prefix + "-b", Map.of("site.name", "b"));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        return new TestSite[] {a, b};
    }

    /**
     * Three new sites: a and b peers, c a report replica of a (labels prefix-a, -b, -c), every
     * link running. Two sites start side by side; c starts while b joins.
     */
    static TestSite[] peersAndReplica(String prefix) throws Exception {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = ex.submit(() -> TestSite.start(prefix + "-a", Map.of("site.name", "a")));
            var fb = ex.submit(() -> TestSite.start(prefix + "-b", Map.of("site.name", "b")));
            TestSite a = fa.get();
            TestSite b = fb.get();
            var fc = ex.submit(() -> TestSite.start(prefix + "-c", Map.of("site.name", "c")));
            assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
            TestSite c = fc.get();
            assertThat(join(c, invite(a, "replica"), false).path("state").asText()).isEqualTo("succeeded");
            awaitLinks(a, 1);
            awaitLinks(b, 1);
            awaitLinks(c, 1);
            return new TestSite[] {a, b, c};
        } finally {
            ex.shutdown();
        }
    }

    /** Closes the sites given (null ones skipped), in order. */
    static void closeAll(TestSite... sites) {
        for (TestSite s : sites) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Waits for a site's reconciler to have made exactly {@code n} running links. */
    static void awaitLinks(TestSite s, int n) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            GroupChecks.Links links = GroupChecks.links(s.site);
            assertThat(links.allRunning(n)).as(s.site.group().siteName() + " does not have " + n + " running links: "
                    + links.status()).isTrue();
        });
    }

    /**
     * Waits until every link of every given site is healthy and no site is fenced. Equal GTID
     * positions (awaitConverged) do not say so: after the conflict resolver mends a link, the
     * monitor keeps showing its fault, and the site fenced, until the link has run cleanly on two
     * looks in a row (LinkHealth.settle), a few seconds after the data already agree.
     */
    static void awaitHealthy(TestSite... sites) throws Exception {
        for (TestSite s : sites) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonNode st = Json.tree(s.site.group().localStatus());
                assertThat(st.path("fenced").isNull()).as(s.site.group().siteName() + " is fenced: " + st).isTrue();
                for (JsonNode l : st.path("links")) {
                    assertThat(l.path("state").asText()).as(s.site.group().siteName() + "'s link from "
                            + l.path("channel").asText() + ": " + st).isEqualTo("healthy");
                }
            });
        }
    }

    /**
     * Waits until a site's node applies with {@code threads} replication workers
     * ({@code slave_parallel_threads}): parallel with one source, one thread with more.
     */
    static void awaitAppliers(TestSite s, int threads) throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(count(s, "SELECT @@GLOBAL.slave_parallel_threads"))
                        .as(s.site.group().siteName() + "'s replication worker threads").isEqualTo(threads));
    }

    /** Waits until a site replicates from exactly the given sources, every link running. */
    static void awaitSources(TestSite s, String... sources) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            GroupChecks.Links links = GroupChecks.links(s.site);
            assertThat(links.total() == sources.length && links.running().equals(new TreeSet<>(List.of(sources))))
                    .as(s.site.group().siteName() + " does not replicate from " + List.of(sources) + ": "
                            + links.status()).isTrue();
        });
    }

    /** Runs the real CLI against a site's folder; returns exit code and output. */
    static String[] cli(TestSite s, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--home";
        all[args.length + 1] = s.site.home().dir().toString();
        int code = dev.cusp.Cusp.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), all);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** A site's active alert with this code, or null. */
    static JsonNode alert(TestSite s, String code) throws Exception {
        for (JsonNode x : admin(s, "GET", "/api/v1/admin/group/alerts", null).json().path("alerts")) {
            if (code.equals(x.path("code").asText())) {
                return x;
            }
        }
        return null;
    }

    /** Waits (up to {@code wait}) for a site's active alert with this code; returns it. */
    static JsonNode awaitAlert(TestSite s, String code, Duration wait) {
        java.util.concurrent.atomic.AtomicReference<JsonNode> found = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(wait).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            found.set(alert(s, code));
            assertThat(found.get()).as(code + " at " + s.site.group().siteName()).isNotNull();
        });
        return found.get();
    }

    /** Waits (up to {@code wait}) until a site has no active alert with this code. */
    static void awaitCleared(TestSite s, String code, Duration wait) {
        await().atMost(wait).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(alert(s, code)).isNull());
    }

    /**
     * Waits (up to {@code wait}) until each site of a pair is mended: its one link healthy, not
     * fenced, and no active alert with this code.
     */
    static void awaitMended(String code, Duration wait, TestSite... sites) {
        for (TestSite s : sites) {
            await().atMost(wait).untilAsserted(() -> {
                JsonNode st = Json.tree(s.site.group().localStatus());
                assertThat(st.path("links")).as(st.toString()).hasSize(1);
                assertThat(st.at("/links/0/state").asText()).as(st.toString()).isEqualTo("healthy");
                assertThat(st.path("fenced").isNull()).as(st.toString()).isTrue();
                assertThat(alert(s, code)).isNull();
            });
        }
    }

    /** Starts a re-seed of {@code s} from its peers and waits for its job; returns the job's final state. */
    static JsonNode reseed(TestSite s, boolean discardLocal) throws Exception {
        TestSite.Response r = admin(s, "POST", "/api/v1/admin/group/reseed",
                discardLocal ? Map.of("discard_local", true) : Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return waitJob(s, r.json().get("id").asText(), null);
    }

    /** {@code cusp check --json} at {@code s} (the real CLI) exits 0 and finds every site's data equal. */
    static void assertCheckClean(TestSite s) throws Exception {
        String[] check = cli(s, "check", "--json");
        assertThat(check[0]).as(check[1] + check[2]).isEqualTo("0");
        assertThat(dev.cusp.base.JsonMapping.MAPPER.readTree(check[1]).path("clean").asBoolean()).as(check[1])
                .isTrue();
    }

    static final class Json {
        static JsonNode tree(Object o) {
            return dev.cusp.api.Json.MAPPER.valueToTree(o);
        }
    }

    static void rename(TestSite s, String tenant, String token, long id, String lastName) throws Exception {
        TestSite.Response r = s.call("PUT", "/api/v1/t/" + tenant + "/patients/" + id, token,
                Map.of("last_name", lastName));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        nextChangeTime(); // distinct change times, so "newest" is unambiguous
    }

    /**
     * Returns once this machine's clock, which every site's node stamps a change with
     * ({@code changed_at = NOW(6)}), is past the millisecond of the call: a change made after
     * this is strictly newer than every change made before it, however the sites interleave.
     */
    static void nextChangeTime() {
        long now = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1))
                .until(() -> System.currentTimeMillis() > now);
    }

    static String text(TestSite s, String sql) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
