package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.Site;
import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupReader;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import dev.cusp.restore.BinlogEvents;
import dev.cusp.restore.Restorer;
import dev.cusp.sampledata.PracticeDataGenerator;
import dev.cusp.tenant.TenantService;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Issue 18: "point-in-time replay rate (transactions/s) against {@code mariadb-binlog | mariadb}
 * of the same range". A practice ({@link PracticeDataGenerator}; full: 50,000 patients, about a
 * million procedures) is backed up, then takes N single-row transactions (inserts and updates)
 * while other practices' writes share the binary log. Then, on the same range of the archived
 * binary logs:
 * <ol>
 * <li>baseline: the backup loaded into {@code bench_pitr} on the node, and Debian's
 * {@code mariadb-binlog --rewrite-db --database --start-position --stop-position FILES} piped
 * (MariaDB's mariadb-binlog matches {@code --database} against the name before the rewrite)
 * into the node's {@code mariadb} (binary log off);</li>
 * <li>Cusp: {@code cusp tenant restore --to} (the {@link Restorer} job), whose replay step is
 * MariaDB's applier in a scratch server; its replay time and its whole restore time are shown.</li>
 * </ol>
 * Functional check: the restored practice and the baseline copy have equal CHECKSUM TABLE for
 * every table but the security log (the restore writes an entry there).
 */
public final class ReplayBench {
    public static void main(String[] args) {
        BenchKit.main(args, quick -> new ReplayBench(quick).run());
    }

    private final boolean quick;
    private final int patients;
    private final int txns;

    ReplayBench(boolean quick) {
        this.quick = quick;
        this.patients = Integer.parseInt(System.getProperty("bench.patients", quick ? "500" : "50000"));
        this.txns = Integer.parseInt(System.getProperty("bench.replay.transactions", quick ? "1000" : "100000"));
    }

    int run() throws Exception {
        System.out.println("== Cusp benchmark: point-in-time replay (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("plan:    a practice of %d patients is backed up, then takes %d single-row transactions"
                + " (a second practice writes as many beside it); the same range is replayed by", patients, txns));
        System.out.println("         mariadb-binlog | mariadb (baseline) and by cusp tenant restore --to (MariaDB's applier"
                + " in a scratch server)");
        System.out.println();
        Site site = BenchKit.startSite(BenchKit.newHome("replay"), Map.of("port", "0", "site.name", "r",
                "backup.schedule", "off", "backup.verify.schedule", "off"));
        TenantService.Created t = site.tenants().create("replay", 7001);
        PracticeDataGenerator.Result gen;
        try (HikariDataSource ds = practice(site, t)) {
            gen = PracticeDataGenerator.generate(ds, patients, 1, (done, rows) -> { });
        }
        System.out.println(f("-- practice %s: %d rows generated in %.1f s", t.tenant().dbName(), gen.totalRows(),
                gen.elapsedMs() / 1e3));
        section(site, t, patients, txns);
        return 0;
    }

    /**
     * The replay figures for practice {@code t} (with {@code patients} patients) of {@code site}:
     * a backup, {@code txns} single-row transactions of the practice (and as many of another),
     * then the same range replayed by {@code mariadb-binlog | mariadb} and by a Cusp restore.
     * Also a section of {@code bench/run backup} ({@link BackupBench}).
     */
    static void section(Site site, TenantService.Created t, int patients, int txns) throws Exception {
        System.out.println();
        System.out.println(f("-- point-in-time replay: a backup of %s, then %d single-row transactions of it (and %d"
                + " of another practice)", t.tenant().name(), txns, txns));
        TenantService.Created other = site.tenants().create("noise", 7002);
        String db = t.tenant().dbName();
        site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        long w0 = System.nanoTime();
        // Side by side, so a full-size range (100,000 transactions of each practice) is written in
        // minutes: one connection commits about 200 single-row transactions/s here (sync_binlog=1),
        // several share their commits' fsyncs. Every transaction is still one row.
        int writers = Integer.getInteger("bench.replay.writers", 8);
        try (HikariDataSource ds = practice(site, t, writers); HikariDataSource noise = practice(site, other, writers);
             java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    write(ds, noise, patients, txns, first, writers);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> d : done) {
                d.get();
            }
        }
        System.out.println(f("   written in %.1f s by %d connections to each practice; load average %.2f",
                (System.nanoTime() - w0) / 1e9, writers, BenchKit.loadAverage()));
        Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        while (Instant.now().isBefore(to.plusSeconds(1))) {
            BenchKit.sleep(100);
        }
        Restorer restorer = site.restorer();
        Restorer.Prepared p = restorer.prepare(new Restorer.Request(t.tenant().name(), to, null, null));
        System.out.println(f("   range: %d transactions (every practice's) in %d archived file(s), from backup %s",
                p.plan().txns(), p.plan().files().size(), p.base().manifest().id()));

        Double baseline = baseline(site, p, db);
        Restorer.Result r = restorer.run(p, step -> { });
        double replayRate = p.plan().txns() / Math.max(0.001, r.replayMillis() / 1e3);
        System.out.println(f("   cusp tenant restore --to: %.1f s in all; its replay %.2f s = %.0f transactions/s; load"
                + " average %.2f", r.elapsedMillis() / 1e3, r.replayMillis() / 1e3, replayRate, BenchKit.loadAverage()));
        if (baseline != null) {
            GroupKit.Member m = new GroupKit.Member("r", site, null);
            Map<String, Long> restored = withoutLog(GroupKit.checksums(m, db));
            Map<String, Long> copy = withoutLog(GroupKit.checksums(m, "bench_pitr"));
            if (!restored.equals(copy)) {
                System.out.println("   differing rows (restored, then the baseline's copy): " + diff(site, db, "patient"));
            }
            check(restored.equals(copy), "the restored practice differs from the baseline's copy: " + restored + " vs "
                    + copy);
            System.out.println("   checked: CHECKSUM TABLE equal for all " + copy.size() + " tables (security_log aside)");
            System.out.println(f("RESULT point-in-time replay: cusp %.0f transactions/s vs mariadb-binlog | mariadb %.0f"
                    + " transactions/s (%.1fx)", replayRate, p.plan().txns() / baseline,
                    replayRate / (p.plan().txns() / baseline)));
        } else {
            System.out.println(f("RESULT point-in-time replay: cusp %.0f transactions/s (baseline skipped)", replayRate));
        }
    }

    /** Transactions {@code first}, {@code first + step}, ... of {@code txns}: each an insert or an update, and a noise insert. */
    private static void write(HikariDataSource ds, HikariDataSource noise, int patients, int txns, int first, int step)
            throws java.sql.SQLException {
        try (Connection c = ds.getConnection(); Connection n = noise.getConnection();
             PreparedStatement ins = c.prepareStatement("INSERT INTO patient (last_name, first_name) VALUES (?, 'R')");
             PreparedStatement upd = c.prepareStatement("UPDATE patient SET first_name = ? WHERE id = ?");
             PreparedStatement ins2 = n.prepareStatement("INSERT INTO patient (last_name, first_name) VALUES (?, 'N')")) {
            for (int i = first; i < txns; i += step) {
                if (i % 2 == 0) {
                    ins.setString(1, "Replay" + i);
                    ins.executeUpdate();
                } else {
                    upd.setString(1, "U" + i);
                    upd.setLong(2, 1 + (i % Math.max(1, patients)));
                    upd.executeUpdate();
                }
                ins2.setString(1, "Noise" + i);
                ins2.executeUpdate();
            }
        }
    }

    /** The first few rows of {@code table} that are not the same in {@code db} and in the baseline's copy. */
    private static List<String> diff(Site site, String db, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = site.node().adminConnection(); java.sql.Statement st = c.createStatement()) {
            List<String> cols = new ArrayList<>();
            try (var rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                    + db + "' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    cols.add("`" + rs.getString(1) + "`");
                }
            }
            String row = "CONCAT_WS('|', " + String.join(", ", cols) + ")";
            for (String[] ab : new String[][] {{db, "bench_pitr"}, {"bench_pitr", db}}) {
                try (var rs = st.executeQuery("SELECT " + row + " FROM `" + ab[0] + "`.`" + table + "` WHERE " + row
                        + " NOT IN (SELECT " + row + " FROM `" + ab[1] + "`.`" + table + "`) LIMIT 3")) {
                    while (rs.next()) {
                        out.add(ab[0] + ": " + rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Long> withoutLog(Map<String, Long> sums) {
        Map<String, Long> out = new TreeMap<>(sums);
        out.remove("security_log");
        return out;
    }

    private static HikariDataSource practice(Site site, TenantService.Created t) {
        return practice(site, t, 1);
    }

    private static HikariDataSource practice(Site site, TenantService.Created t, int connections) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(site.tenants().jdbc().url(t.tenant().dbName()));
        hc.setUsername(t.tenant().dbUser());
        hc.setPassword(t.dbPassword());
        hc.setMaximumPoolSize(connections);
        return new HikariDataSource(hc);
    }

    /** The baseline: seconds for mariadb-binlog | mariadb of the plan's range into a copy of the backup, or null. */
    private static Double baseline(Site site, Restorer.Prepared p, String db) throws Exception {
        String tool = System.getenv().getOrDefault("MARIADB_BINLOG", "mariadb-binlog");
        if (!onPath(tool)) {
            System.out.println("   baseline skipped: " + tool + " not found (Debian's mariadb-client has it; or set"
                    + " MARIADB_BINLOG)");
            return null;
        }
        site.backups().reader().load(p.base(), "bench_pitr", BackupReader.LoadOptions.TABLES_ONLY);
        NodeConfig nc = site.node().config();
        Path opt = new NodeTools(nc).adminOptionFile();
        List<String> cmd = new ArrayList<>(List.of(tool, "--rewrite-db=" + db + "->bench_pitr", "--database=" + db,
                "--start-position=" + p.plan().startOffset()));
        if (p.plan().stopOffset() >= 0) {
            cmd.add("--stop-position=" + p.plan().stopOffset());
        }
        for (BinlogEvents.Index i : p.plan().files()) {
            cmd.add(site.restorer().archive().dir().resolve(i.file()).toString());
        }
        ProcessBuilder read = new ProcessBuilder(cmd);
        ProcessBuilder load = new ProcessBuilder(nc.binary("mariadb").toString(), "--defaults-extra-file=" + opt,
                "--init-command=SET SESSION sql_log_bin=0", "bench_pitr");
        long t0 = System.nanoTime();
        List<Process> ps = ProcessBuilder.startPipeline(List.of(read.redirectError(ProcessBuilder.Redirect.PIPE),
                load.redirectError(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
        for (Process pr : ps) {
            boolean done = pr.waitFor(2, TimeUnit.HOURS);
            String err = new String(pr.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            check(done && pr.exitValue() == 0, "mariadb-binlog | mariadb failed: " + err);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.println(f("   baseline mariadb-binlog | mariadb: %.2f s = %.0f transactions/s; load average %.2f", s,
                p.plan().txns() / s, BenchKit.loadAverage()));
        return s;
    }

    private static boolean onPath(String tool) {
        if (tool.contains("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
