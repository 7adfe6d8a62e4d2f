package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Site;
import dev.cusp.api.Json;
import dev.cusp.base.JsonMapping;
import dev.cusp.replication.GtidPos;
import dev.cusp.support.FaultyProxy;
import dev.cusp.support.GroupChecks;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.JoinWithToken;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the replication and seeding benchmarks need on top of {@link BenchKit}: several real
 * sites in this JVM, joined into a group through the admin API as an operator would (invite,
 * join, the join job polled to its end), and GTID positions, checksums and proxies to look at
 * and disturb their replication. Modelled on {@code GroupIT}; what it reads from a site and the
 * proxy are the tests' own ({@link GroupChecks}, {@link FaultyProxy} in src/testkit).
 */
final class GroupKit {
    private GroupKit() {
    }

    /** A bench site and an HTTPS client that trusts its CA. */
    record Member(String name, Site site, HttpClient http) {
        String url() {
            return site.url();
        }

        long dbPid() {
            return BenchKit.mariadbPid(site);
        }

        Connection admin() throws java.sql.SQLException {
            return site.node().adminConnection();
        }
    }

    /** Starts one site per name, two at a time (each start is mostly the node's own start-up). */
    static List<Member> startSites(String label, Map<String, String> flags, String... names) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            List<Future<Member>> fs = new ArrayList<>();
            for (String n : names) {
                fs.add(ex.submit(() -> {
                    Map<String, String> all = new LinkedHashMap<>(Map.of("port", "0", "site.name", n));
                    all.putAll(flags);
                    Site s = BenchKit.startSite(BenchKit.newHome(label + "-" + n), all);
                    return new Member(n, s, BenchKit.client(s.home()));
                }));
            }
            List<Member> out = new ArrayList<>();
            for (Future<Member> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            ex.shutdown();
        }
    }

    static String adminToken(Member m) throws Exception {
        return Files.readString(m.site().home().cliToken()).trim();
    }

    /** An admin API call; checks the status and returns the JSON body. */
    static JsonNode admin(Member m, String method, String path, Object body, int expect) throws Exception {
        String json = body == null ? null : Json.MAPPER.writeValueAsString(body);
        BenchKit.Reply r = BenchKit.call(m.http(), method, m.url() + path, adminToken(m), json);
        check(r.status() == expect, method + " " + path + " at " + m.name() + ": HTTP " + r.status() + " (wanted "
                + expect + ") " + r.body());
        return r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
    }

    static String invite(Member m, String role) throws Exception {
        return admin(m, "POST", "/api/v1/admin/group/invites", Map.of("role", role), 201).get("token").asText();
    }

    /** A finished join: the job's final description and the wall time from request to end. */
    record Joined(JobStatus job, double wallSeconds) {
        JsonNode seed() {
            return job.result().path("seed");
        }
    }

    /**
     * Joins {@code joiner} to the group that printed {@code token}, through the admin API, and
     * waits for the join job to finish (polled every 100 ms). Fails the benchmark if the job fails.
     */
    static Joined join(Member joiner, String token, Duration timeout) throws Exception {
        return join(joiner, token, timeout, step -> { });
    }

    /** {@link #join}, telling {@code onStep} each new step as the job reports it (polled every 100 ms). */
    static Joined join(Member joiner, String token, Duration timeout, java.util.function.Consumer<String> onStep)
            throws Exception {
        long t0 = System.nanoTime();
        JsonNode started = admin(joiner, "POST", "/api/v1/admin/group/join", new JoinWithToken(token, false),
                202);
        String id = started.get("id").asText();
        long deadline = t0 + timeout.toNanos();
        String lastStep = "";
        while (System.nanoTime() < deadline) {
            JobStatus j = JsonMapping.read(admin(joiner, "GET", "/api/v1/admin/jobs/" + id, null, 200),
                    JobStatus.class);
            if (!j.state().equals("running")) {
                double wall = (System.nanoTime() - t0) / 1e9;
                check(j.state().equals(JobStatus.SUCCEEDED), "join of " + joiner.name() + " " + j.state() + ": " + j);
                return new Joined(j, wall);
            }
            List<String> steps = j.steps();
            String step = steps.isEmpty() ? "" : JsonMapping.MAPPER.valueToTree(steps.get(steps.size() - 1)).toString();
            if (!step.equals(lastStep)) {
                lastStep = step;
                System.err.println("bench: join " + joiner.name() + ": " + step);
                onStep.accept(step);
            }
            BenchKit.sleep(100);
        }
        throw new BenchKit.BenchFailure("join of " + joiner.name() + " did not finish within " + timeout);
    }

    /** Waits until a site has exactly {@code n} replication links, all receiving and applying. */
    static void awaitLinks(Member m, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        GroupChecks.Links links = null;
        while (System.nanoTime() < deadline) {
            links = GroupChecks.links(m.site());
            if (links.allRunning(n)) {
                return;
            }
            BenchKit.sleep(200);
        }
        throw new BenchKit.BenchFailure(m.name() + " does not have " + n + " running links: " + links.status());
    }

    static String scalar(Connection c, String sql) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String gtidPos(Connection c) throws java.sql.SQLException {
        return scalar(c, "SELECT @@gtid_current_pos");
    }

    static long domainId(Member m) throws Exception {
        try (Connection c = m.admin()) {
            return Long.parseLong(scalar(c, "SELECT @@gtid_domain_id"));
        }
    }

    /** The sequence number a GTID position holds for one domain (0 when absent). */
    static long seq(String pos, long domain) {
        return GtidPos.parse(pos).seq(domain);
    }

    /** Waits until every given site holds the same GTID position; returns it. */
    static String awaitConverged(Duration timeout, Member... members) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> seen = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (Member m : members) {
                seen.put(m.name(), GtidPos.parse(GroupChecks.gtidCurrentPos(m.site())).toString());
            }
            if (seen.values().stream().distinct().count() == 1) {
                return seen.values().iterator().next();
            }
            BenchKit.sleep(100);
        }
        throw new BenchKit.BenchFailure("sites did not converge within " + timeout + ": " + seen);
    }

    /** CHECKSUM TABLE ... EXTENDED of every base table of a database, by table name. */
    static Map<String, Long> checksums(Member m, String db) throws Exception {
        return GroupChecks.checksums(m.site(), db);
    }

    /** Routes the channel {@code replica} pulls from {@code source} through a new proxy, as GroupIT does. */
    static FaultyProxy routeThroughProxy(Member replica, Member source) throws Exception {
        return GroupChecks.routeThroughProxy(replica.site(), source.site());
    }

    /** CPU meter for a window: this JVM, each node's mariadbd, and the rest of the machine. */
    static final class Cpu {
        private final long[] pids;
        private final long jvm0;
        private final long[] db0;
        private final long[] machine0;
        private final long t0 = System.nanoTime();

        Cpu(long... dbPids) {
            this.pids = dbPids;
            this.jvm0 = BenchKit.cpuNanos(ProcessHandle.current().pid());
            this.db0 = new long[dbPids.length];
            for (int i = 0; i < dbPids.length; i++) {
                db0[i] = BenchKit.cpuNanos(dbPids[i]);
            }
            this.machine0 = BenchKit.machineCpuTicks();
        }

        /** Cores used since construction: {jvm, db..., other}; NaN where unknown. */
        double[] cores() {
            double secs = (System.nanoTime() - t0) / 1e9;
            double jvm = (BenchKit.cpuNanos(ProcessHandle.current().pid()) - jvm0) / 1e9 / secs;
            double[] out = new double[pids.length + 2];
            out[0] = jvm0 < 0 ? Double.NaN : jvm;
            double mine = out[0];
            for (int i = 0; i < pids.length; i++) {
                long now = BenchKit.cpuNanos(pids[i]);
                out[i + 1] = db0[i] < 0 || now < 0 ? Double.NaN : (now - db0[i]) / 1e9 / secs;
                mine += out[i + 1];
            }
            long[] machine1 = BenchKit.machineCpuTicks();
            double busy = machine0 == null || machine1 == null ? Double.NaN
                    : (machine1[0] - machine0[0]) / (double) BenchKit.TICKS_PER_SECOND / secs;
            out[pids.length + 1] = busy - mine;
            return out;
        }
    }

    /** Size on disk (InnoDB data + indexes, as information_schema reports it) and rows of some databases. */
    static long[] sizeOf(Member m, List<String> dbs) throws Exception {
        try (Connection c = m.admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(data_length + index_length), 0),"
                     + " COALESCE(SUM(table_rows), 0) FROM information_schema.tables WHERE table_schema IN ("
                     + String.join(",", dbs.stream().map(d -> "'" + d + "'").toList()) + ")")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** Deletes a site's folder after closing it (BenchKit also does at exit). */
    static void closeQuietly(Member m) {
        if (m != null) {
            try {
                m.site().close();
            } catch (RuntimeException e) {
                System.err.println("bench: closing " + m.name() + ": " + e);
            }
        }
    }

    static Path homeOf(Member m) {
        return m.site().home().dir();
    }
}
