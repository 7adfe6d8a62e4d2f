package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode j = admin(s, "GET", "/api/v1/admin/jobs/" + id + (site == null ? "" : "?site=" + site), null)
                    .json();
            if (!j.path("state").asText().equals("running")) {
                return j;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("job " + id + " did not finish");
    }

    static String pos(TestSite s) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@gtid_current_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Waits until every given site holds the same GTID position (all changes everywhere). */
    static void awaitConverged(TestSite... sites) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, String> seen = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (TestSite s : sites) {
                seen.put(s.site.group().siteName(), dev.cusp.replication.GtidPos.parse(pos(s)).toString());
            }
            if (seen.values().stream().distinct().count() == 1) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("sites did not converge: " + seen + "\n" + admin(sites[0], "GET",
                "/api/v1/admin/group", null).body());
    }

    /**
     * Every site holds the same rows of {@code db}, within 30 s. Equal GTID positions are not
     * enough: the conflict resolver applies a stopped transaction first and puts the winning
     * version back right after, so a check between the two sees the loser for a moment.
     */
    static Map<String, Long> awaitSameData(String db, TestSite... sites) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Map<String, Long>> seen = new TreeMap<>();
        while (true) {
            seen.clear();
            for (TestSite s : sites) {
                seen.put(s.site.group().siteName(), checksums(s, db));
            }
            if (seen.values().stream().distinct().count() == 1 || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(250);
        }
        Map<String, Long> first = seen.get(sites[0].site.group().siteName());
        for (TestSite s : sites) {
            assertThat(seen.get(s.site.group().siteName())).as("CHECKSUM TABLE of every table of " + db + ", "
                    + s.site.group().siteName() + " vs " + sites[0].site.group().siteName()).isEqualTo(first);
        }
        return first;
    }

    /** CHECKSUM TABLE of every table of a database, by table name. */
    static Map<String, Long> checksums(TestSite s, String db) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + db + "' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + db + "`.`" + t + "` EXTENDED")) {
                    rs.next();
                    out.put(t, rs.getLong(2));
                }
            }
        }
        return out;
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
        TestSite a = TestSite.start(prefix + "-a", Map.of("site.name", "a"));
        TestSite b = TestSite.start(prefix + "-b", Map.of("site.name", "b"));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        return new TestSite[] {a, b};
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
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode st = null;
        while (System.nanoTime() < deadline) {
            st = Json.tree(s.site.group().localStatus());
            long running = 0;
            for (JsonNode l : st.path("links")) {
                if (l.path("receiver").asText().equals("running") && l.path("applier").asText().equals("running")) {
                    running++;
                }
            }
            if (running == n && st.path("links").size() == n) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(s.site.group().siteName() + " does not have " + n + " running links: " + st);
    }

    /**
     * Waits until a site's node applies with {@code threads} replication workers
     * ({@code slave_parallel_threads}): parallel with one source, one thread with more.
     */
    static void awaitAppliers(TestSite s, int threads) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long now = -1;
        while (System.nanoTime() < deadline) {
            now = count(s, "SELECT @@GLOBAL.slave_parallel_threads");
            if (now == threads) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(s.site.group().siteName() + " applies with " + now + " worker threads, not " + threads);
    }

    /** Waits until a site replicates from exactly the given sources, every link running. */
    static void awaitSources(TestSite s, String... sources) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode st = null;
        while (System.nanoTime() < deadline) {
            st = Json.tree(s.site.group().localStatus());
            java.util.Set<String> running = new java.util.TreeSet<>();
            for (JsonNode l : st.path("links")) {
                if (l.path("receiver").asText().equals("running") && l.path("applier").asText().equals("running")) {
                    running.add(l.path("channel").asText());
                }
            }
            if (running.equals(new java.util.TreeSet<>(List.of(sources))) && st.path("links").size() == sources.length) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(s.site.group().siteName() + " does not replicate from " + List.of(sources) + ": " + st);
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

    static final class Json {
        static JsonNode tree(Object o) {
            return dev.cusp.api.Json.MAPPER.valueToTree(o);
        }
    }

    static void rename(TestSite s, String tenant, String token, long id, String lastName) throws Exception {
        TestSite.Response r = s.call("PUT", "/api/v1/t/" + tenant + "/patients/" + id, token,
                Map.of("last_name", lastName));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Thread.sleep(20); // distinct change times, so "newest" is unambiguous
    }

    static String text(TestSite s, String sql) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
