package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.bench.GroupKit.Member;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import dev.cusp.sampledata.PracticeDataGenerator;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.JobStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue #3 / #6: "seeding throughput (MB/s) and total time for the large practice when a new
 * site joins", next to {@code mariadb-dump --single-transaction | mariadb} of the same databases
 * between the same nodes. Target: Cusp at least 2x faster than the dump pipeline.
 *
 * <p>Site a hosts one tenant filled with {@link PracticeDataGenerator} (full: the large practice,
 * 50,000 patients, about a million procedures). A fresh site b then:
 * <ol>
 * <li>baseline, before the join: for the control database and the tenant's database, in turn,
 * a's own {@code mariadb-dump --single-transaction} piped into b's own {@code mariadb} (the node
 * binaries from each site's {@code node/base/bin}, credentials from an owner-only option file,
 * the load with the binary log off), into copies named {@code bench_copy1_*} that are then
 * dropped;</li>
 * <li>Cusp: b joins a's group through the admin API ({@code POST /api/v1/admin/group/join}) and
 * the join job is polled to its end, whatever seeding the site does;</li>
 * <li>baseline again, after the join, into {@code bench_copy2_*} (the machine is noisy: the two
 * baseline runs bracket the join).</li>
 * </ol>
 * Functional checks (not timings): the tenant's tables have equal CHECKSUM TABLE at a and at b
 * after the join, and at a and in the first baseline copy.
 */
public final class SeedingBench {
    public static void main(String[] args) {
        BenchKit.main(args, quick -> new SeedingBench(quick).run());
    }

    private final boolean quick;
    private final int patients;

    SeedingBench(boolean quick) {
        this.quick = quick;
        this.patients = Integer.parseInt(System.getProperty("bench.patients", quick ? "2000" : "50000"));
    }

    /** One run of the dump pipeline: seconds in all and per database. */
    record Dump(String label, double seconds, Map<String, Double> perDb, double[] cpu) {
    }

    int run() throws Exception {
        System.out.println("== Cusp benchmark: seeding (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("plan:    site a hosts one practice of %d patients (PracticeDataGenerator, seed 1); a fresh"
                + " site b joins a's group through the admin API, bracketed by two runs of", patients));
        System.out.println("         mariadb-dump --single-transaction | mariadb of the same databases from a's node to"
                + " b's node (the baseline)");
        System.out.println("NOTE:    both sites (one JVM), both mariadbd and the dump tools share this machine's cores;"
                + " 'other' = cores used by every other process (noise).");
        System.out.println(f("         load average at start: %.2f", BenchKit.loadAverage()));
        System.out.println();

        long t0 = System.nanoTime();
        List<Member> sites = GroupKit.startSites("seed", Map.of(), "a", "b");
        Member a = sites.get(0);
        Member b = sites.get(1);
        System.out.println(f("-- sites a (%s) and b (%s) started in %.1f s", a.url(), b.url(),
                (System.nanoTime() - t0) / 1e9));

        TenantService.Created tenant = a.site().tenants().create("large", 5150);
        String tdb = tenant.tenant().dbName();
        PracticeDataGenerator.Result gen = generate(a, tenant);
        System.out.println(f("-- practice %s: %d patients, %d rows in %d tables, generated in %.1f s", tdb, patients,
                gen.totalRows(), gen.rows().size(), gen.elapsedMs() / 1000.0));

        List<String> dbs = databases(a);
        analyze(a, dbs);
        long onDisk = bytesOnDisk(a, dbs);
        long[] isSize = GroupKit.sizeOf(a, dbs);
        System.out.println(f("-- databases to copy: %s; %.1f MiB on disk at a (files), %.1f MiB of data + indexes"
                + " (information_schema)", dbs, onDisk / 1048576.0, isSize[0] / 1048576.0));
        Map<String, Long> source = GroupKit.checksums(a, tdb);

        Dump before = dumpPipeline(a, b, dbs, "bench_copy1_");
        System.out.println(f("   baseline (before the join): %.1f s %s", before.seconds(), before.perDb()));
        Map<String, Long> copy = GroupKit.checksums(b, "bench_copy1_" + tdb);
        check(copy.equals(source), "the baseline's copy differs from the source: " + copy + " vs " + source);
        dropCopies(b, dbs, "bench_copy1_");
        System.out.println("   baseline copy checked: CHECKSUM TABLE equal for all " + copy.size() + " tables");

        GroupKit.Cpu cpu = new GroupKit.Cpu(a.dbPid(), b.dbPid());
        GroupKit.Joined joined = GroupKit.join(b, GroupKit.invite(a, "peer"), Duration.ofMinutes(60));
        double[] joinCpu = cpu.cores();
        JobStatus job = joined.job();
        double jobSeconds = Duration.between(Instant.parse(job.startedAt()), Instant.parse(job.finishedAt()))
                .toMillis() / 1000.0;
        JsonNode seed = joined.seed();
        System.out.println(f("   cusp join: %.1f s (job %.1f s, seed %.1f s)", joined.wallSeconds(), jobSeconds,
                seed.path("seconds").asDouble()));
        for (String step : job.steps()) {
            System.out.println("      step: " + step);
        }
        System.out.println("      result.seed: " + seed);
        GroupKit.awaitLinks(b, 1, Duration.ofSeconds(120));
        GroupKit.awaitLinks(a, 1, Duration.ofSeconds(120));
        GroupKit.awaitConverged(Duration.ofMinutes(5), a, b);
        Map<String, Long> joinedSums = GroupKit.checksums(b, tdb);
        check(joinedSums.equals(GroupKit.checksums(a, tdb)), "after the join, b's " + tdb + " differs from a's: "
                + joinedSums + " vs " + source);
        System.out.println("   join checked: b replicates from a, same GTID position, CHECKSUM TABLE equal for all "
                + joinedSums.size() + " tables of " + tdb);

        Dump after = dumpPipeline(a, b, dbs, "bench_copy2_");
        System.out.println(f("   baseline (after the join): %.1f s %s", after.seconds(), after.perDb()));
        dropCopies(b, dbs, "bench_copy2_");

        report(patients, gen, dbs, onDisk, isSize, before, after, joined, jobSeconds, joinCpu);
        return 0;
    }

    private PracticeDataGenerator.Result generate(Member a, TenantService.Created t) throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench-seed-data");
        hc.setJdbcUrl(a.site().tenants().jdbc().url(t.tenant().dbName()));
        hc.setUsername(t.tenant().dbUser());
        hc.setPassword(t.dbPassword());
        hc.setMaximumPoolSize(1);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            long step = Math.max(1000, patients / 10);
            return PracticeDataGenerator.generate(ds, patients, 1, (done, rows) -> {
                if (done % step == 0 || done == patients) {
                    System.err.println(f("bench: generated %d patients, %d rows", done, rows));
                }
            });
        }
    }

    /** What the site's seed copies: the control database and every tenant database, not backups. */
    private static List<String> databases(Member a) throws Exception {
        List<String> dbs = new ArrayList<>();
        try (Connection c = a.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE"
                     + " schema_name = 'cusp' OR (schema_name LIKE 'od\\_%' AND schema_name NOT LIKE '%\\_bak\\_%')"
                     + " ORDER BY schema_name")) {
            while (rs.next()) {
                dbs.add(rs.getString(1));
            }
        }
        return dbs;
    }

    /** Fresh table statistics, so that information_schema's sizes are current (not written to the binary log). */
    private static void analyze(Member a, List<String> dbs) throws Exception {
        try (Connection c = a.admin(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_schema, table_name FROM information_schema.tables WHERE"
                    + " table_type = 'BASE TABLE' AND table_schema IN (" + String.join(",", dbs.stream()
                    .map(d -> "'" + d + "'").toList()) + ")")) {
                while (rs.next()) {
                    tables.add("`" + rs.getString(1) + "`.`" + rs.getString(2) + "`");
                }
            }
            for (String t : tables) {
                try (ResultSet ignored = st.executeQuery("ANALYZE NO_WRITE_TO_BINLOG TABLE " + t)) {
                    // the answer is a status row
                }
            }
        }
    }

    /** Bytes of the databases' folders in a's data directory (tablespaces and table definitions). */
    private static long bytesOnDisk(Member a, List<String> dbs) throws IOException {
        long n = 0;
        for (String db : dbs) {
            try (var files = Files.walk(a.site().node().config().dataDir().resolve(db))) {
                n += files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
        }
        return n;
    }

    /**
     * For each database in turn: a's {@code mariadb-dump --single-transaction} piped into b's
     * {@code mariadb}, with the flags the site's own {@code NodeTools.copyDatabase} uses, into
     * {@code prefix + db} at b (binary log off at b, so nothing replicates).
     */
    private static Dump dumpPipeline(Member a, Member b, List<String> dbs, String prefix) throws Exception {
        NodeConfig src = a.site().node().config();
        NodeConfig dst = b.site().node().config();
        Path srcOpt = new NodeTools(src).adminOptionFile();
        Path dstOpt = new NodeTools(dst).adminOptionFile();
        Map<String, Double> per = new java.util.LinkedHashMap<>();
        GroupKit.Cpu cpu = new GroupKit.Cpu(a.dbPid(), b.dbPid());
        long t0 = System.nanoTime();
        try (Connection c = b.admin(); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            for (String db : dbs) {
                st.execute("CREATE DATABASE `" + prefix + db + "`");
            }
        }
        for (String db : dbs) {
            long d0 = System.nanoTime();
            ProcessBuilder dump = new ProcessBuilder(src.binary("mariadb-dump").toString(),
                    "--defaults-extra-file=" + srcOpt, "--single-transaction", "--routines", "--triggers", "--events",
                    "--skip-add-locks", "--net-buffer-length=1048576", db);
            ProcessBuilder load = new ProcessBuilder(dst.binary("mariadb").toString(), "--defaults-extra-file=" + dstOpt,
                    "--init-command=SET SESSION sql_log_bin=0", prefix + db);
            List<Process> ps = ProcessBuilder.startPipeline(List.of(
                    dump.redirectError(ProcessBuilder.Redirect.PIPE),
                    load.redirectError(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            for (Process p : ps) {
                boolean done = p.waitFor(2, TimeUnit.HOURS);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                check(done && p.exitValue() == 0, "dump pipeline of " + db + " failed: " + err);
            }
            per.put(db, Math.round((System.nanoTime() - d0) / 1e8) / 10.0);
        }
        return new Dump(prefix, (System.nanoTime() - t0) / 1e9, per, cpu.cores());
    }

    private static void dropCopies(Member b, List<String> dbs, String prefix) throws Exception {
        try (Connection c = b.admin(); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            for (String db : dbs) {
                st.execute("DROP DATABASE IF EXISTS `" + prefix + db + "`");
            }
        }
    }

    private void report(int patients, PracticeDataGenerator.Result gen, List<String> dbs, long onDisk, long[] isSize,
                        Dump before, Dump after, GroupKit.Joined joined, double jobSeconds, double[] joinCpu) {
        JsonNode seed = joined.seed();
        double mib = isSize[0] / 1048576.0;
        double dumpMean = (before.seconds() + after.seconds()) / 2;
        System.out.println();
        System.out.println(f("Seeding a new site with the practice: %d patients, %d rows; %d databases, %.1f MiB of data +"
                + " indexes at the source", patients, gen.totalRows(), dbs.size(), mib));
        System.out.println(f("%-58s %9s %14s  %5s %5s %5s %5s  %s", "what", "seconds", "MiB/s of data", "jvm", "db a",
                "db b", "other", "speed vs baseline"));
        Object[][] rows = {
            {"baseline: mariadb-dump | mariadb, before the join", before.seconds(), before.cpu()},
            {"baseline: mariadb-dump | mariadb, after the join", after.seconds(), after.cpu()},
            {"cusp: join, POST /group/join until the job succeeded", joined.wallSeconds(), joinCpu},
            {"cusp: join job (started_at to finished_at)", jobSeconds, null},
            {"cusp: seed step of the join (result.seed.seconds)", seed.path("seconds").asDouble(), null},
        };
        for (Object[] r : rows) {
            double secs = (Double) r[1];
            double[] c = (double[]) r[2];
            System.out.println(f("%-58s %9.1f %14.1f  %s  %.2fx", r[0], secs, mib / secs, c == null
                    ? "    -     -     -     -" : f("%5.2f %5.2f %5.2f %5.2f", c[0], c[1], c[2], c[3]), dumpMean / secs));
        }
        System.out.println(f("MiB/s of data: the source's data + indexes (information_schema after ANALYZE TABLE: %.1f MiB;"
                + " the database folders hold %.1f MiB of files) over the row's time. vs baseline: the mean of the two"
                + " baseline runs (%.1f s) over the row's time.", mib, onDisk / 1048576.0, dumpMean));
        System.out.println(f("The site's own figures (result.seed): %d bytes in %.1f s, %s MB/s as it counts them (bytes of"
                + " its seed stream), %d rows, %d databases.", seed.path("bytes").asLong(),
                seed.path("seconds").asDouble(), seed.path("mb_per_second").asText(), seed.path("rows").asLong(),
                seed.path("databases").asInt()));
        System.out.println("cpu columns in cores over the row's time: this JVM (both sites), mariadbd of a and b, and every"
                + " other process (noise; the dump tools' own CPU counts here too).");
        System.out.println("functional: b's copy of the practice after the join and the first baseline copy both have"
                + " CHECKSUM TABLE equal to a's, table by table: yes");
        System.out.println(f("load average at end: %.2f; the machine has %d cores.", BenchKit.loadAverage(),
                Runtime.getRuntime().availableProcessors()));
        System.out.println();
        double ratio = dumpMean / joined.wallSeconds();
        System.out.println(f("target: cusp join %.1f s vs mariadb-dump | mariadb %.1f s: cusp at %.2fx the pipeline's speed"
                + " (target >= 2x: %s)",
                joined.wallSeconds(), dumpMean, ratio, ratio >= 2 ? "met" : "MISSED"));
        double seedRatio = dumpMean / seed.path("seconds").asDouble();
        System.out.println(f("        (the seed step alone: %.1f s, %.2fx)", seed.path("seconds").asDouble(), seedRatio));
    }
}
