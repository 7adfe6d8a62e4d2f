package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupReader;
import dev.cusp.backup.BackupStore;
import dev.cusp.bench.GroupKit.Member;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import dev.cusp.sampledata.PracticeDataGenerator;
import dev.cusp.tenant.TenantService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 18: backup and restore of the large practice (50,000 patients, about a million
 * procedures), each next to {@code mariadb-dump} and loading that dump, on the same data in the
 * same run. Targets: a Cusp backup at least 3x the dump's speed, a Cusp restore (loading the
 * backup into a new database) at least 3x the dump's load.
 *
 * <p>One site hosts the practice. Two rounds, each: the dump ({@code mariadb-dump
 * --single-transaction}, the flags of the site's own {@code NodeTools}) to a file; a Cusp
 * backup ({@code BackupService.backup}: tablespace copy under a short write lock, zstd, SHA-256
 * per file, manifest); loading the dump file with {@code mariadb} into a new database (binary
 * log off); loading the backup with {@code BackupReader.load} into a new database. Both copies
 * must have CHECKSUM TABLE equal to the practice's, table by table. During the dump and the
 * backup one writer inserts rows into the practice as its own user without pause, and the
 * longest insert is reported: the time writers were held.
 */
public final class BackupBench {
    public static void main(String[] args) {
        BenchKit.main(args, quick -> new BackupBench(quick).run());
    }

    private final boolean quick;
    private final int patients;

    BackupBench(boolean quick) {
        this.quick = quick;
        this.patients = Integer.parseInt(System.getProperty("bench.patients", quick ? "2000" : "50000"));
    }

    record Round(double dump, long dumpBytes, double dumpStallMs, double backup, long backupBytes, long lockMs,
                 double backupStallMs, double load, double restore) {
    }

    int run() throws Exception {
        System.out.println("== Cusp benchmark: backup and restore (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("plan:    one site hosts a practice of %d patients (PracticeDataGenerator, seed 1); two rounds"
                + " of: mariadb-dump to a file, a Cusp backup, loading the dump into a new database, loading the"
                + " backup into a new database", patients));
        System.out.println(f("         load average at start: %.2f", BenchKit.loadAverage()));
        System.out.println();
        Member a = GroupKit.startSites("backup", Map.of("backup.schedule", "off", "backup.verify.schedule", "off"), "a")
                .get(0);
        TenantService.Created t = a.site().tenants().create("large", 5150);
        String db = t.tenant().dbName();
        PracticeDataGenerator.Result gen;
        try (HikariDataSource ds = practicePool(a, t, 2)) {
            long step = Math.max(1000, patients / 10);
            gen = PracticeDataGenerator.generate(ds, patients, 1, (done, rows) -> {
                if (done % step == 0 || done == patients) {
                    System.err.println(f("bench: generated %d patients, %d rows", done, rows));
                }
            });
        }
        long procedures = gen.rows().getOrDefault("procedure_log", 0L);
        long[] size = GroupKit.sizeOf(a, List.of(db));
        System.out.println(f("-- practice %s: %d rows (%d procedures) in %d tables, %.1f MiB of data + indexes,"
                + " generated in %.1f s", db, gen.totalRows(), procedures, gen.rows().size(), size[0] / 1048576.0,
                gen.elapsedMs() / 1000.0));

        List<Round> rounds = new ArrayList<>();
        try (HikariDataSource writer = practicePool(a, t, 1)) {
            for (int r = 1; r <= 2; r++) {
                rounds.add(round(a, t, writer, r));
            }
        }
        report(gen, procedures, size[0], rounds);
        ReplayBench.section(a.site(), t, patients, Integer.getInteger("bench.replay.transactions", quick ? 1000 : 100000));
        return 0;
    }

    private Round round(Member a, TenantService.Created t, HikariDataSource writer, int n) throws Exception {
        String db = t.tenant().dbName();
        Path dumpFile = GroupKit.homeOf(a).resolve("bench-dump-" + n + ".sql");
        Writes w = Writes.start(writer);
        long t0 = System.nanoTime();
        dump(a.site().node().config(), db, dumpFile);
        double dump = (System.nanoTime() - t0) / 1e9;
        double dumpStall = w.stop();

        w = Writes.start(writer);
        t0 = System.nanoTime();
        BackupStore.Stored b = a.site().backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        double backup = (System.nanoTime() - t0) / 1e9;
        double backupStall = w.stop();
        Map<String, Long> atBackup = b.manifest().rowCounts();

        t0 = System.nanoTime();
        String loaded = "bench_load_" + n;
        load(a.site().node().config(), loaded, dumpFile);
        double load = (System.nanoTime() - t0) / 1e9;

        t0 = System.nanoTime();
        String restored = "bench_restore_" + n;
        a.site().backups().reader().load(b, restored, BackupReader.LoadOptions.WITH_TRIGGERS);
        double restore = (System.nanoTime() - t0) / 1e9;

        check(a.site().backups().reader().rowCounts(restored, List.copyOf(atBackup.keySet())).equals(atBackup),
                "the restored copy's row counts differ from the backup's manifest");
        Map<String, Long> fromDump = GroupKit.checksums(a, loaded);
        Map<String, Long> fromBackup = GroupKit.checksums(a, restored);
        // The writer's rows go to the patient table only: every other table must be equal in both copies.
        fromDump.keySet().removeIf(k -> k.contains("patient") || k.contains("security_log"));
        fromBackup.keySet().removeIf(k -> k.contains("patient") || k.contains("security_log"));
        check(fromDump.equals(fromBackup), "the dump's copy and the backup's copy differ: " + fromDump + " vs "
                + fromBackup);
        try (Connection c = a.admin(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("DROP DATABASE `" + loaded + "`");
            s.execute("DROP DATABASE `" + restored + "`");
        }
        long dumpBytes = Files.size(dumpFile);
        Files.delete(dumpFile);
        System.out.println(f("-- round %d: dump %.2f s (%.1f MiB), backup %.2f s (%.1f MiB, writers held %d ms), load of"
                + " the dump %.2f s, restore of the backup %.2f s; longest insert during the dump %.0f ms, during the"
                + " backup %.0f ms; load average %.2f", n, dump, dumpBytes / 1048576.0, backup,
                b.manifest().bytes() / 1048576.0, b.manifest().lockMillis(), load, restore, dumpStall, backupStall,
                BenchKit.loadAverage()));
        a.site().backups().store().delete(b);
        return new Round(dump, dumpBytes, dumpStall, backup, b.manifest().bytes(), b.manifest().lockMillis(),
                backupStall, load, restore);
    }

    private static void dump(NodeConfig node, String db, Path file) throws Exception {
        Path opt = new NodeTools(node).adminOptionFile();
        Process p = new ProcessBuilder(node.binary("mariadb-dump").toString(), "--defaults-extra-file=" + opt,
                "--single-transaction", "--routines", "--triggers", "--events", "--skip-add-locks",
                "--net-buffer-length=1048576", db).redirectOutput(file.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        check(p.waitFor(2, TimeUnit.HOURS) && p.exitValue() == 0, "mariadb-dump failed: "
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void load(NodeConfig node, String db, Path file) throws Exception {
        Path opt = new NodeTools(node).adminOptionFile();
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + node.port() + "/",
                dev.cusp.node.EmbeddedNode.ADMIN_USER, node.adminPassword()); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        Process p = new ProcessBuilder(node.binary("mariadb").toString(), "--defaults-extra-file=" + opt,
                "--init-command=SET SESSION sql_log_bin=0", db).redirectInput(file.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        check(p.waitFor(2, TimeUnit.HOURS) && p.exitValue() == 0, "loading the dump failed: "
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static HikariDataSource practicePool(Member a, TenantService.Created t, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench-practice");
        hc.setJdbcUrl(a.site().tenants().jdbc().url(t.tenant().dbName()));
        hc.setUsername(t.tenant().dbUser());
        hc.setPassword(t.dbPassword());
        hc.setMaximumPoolSize(size);
        return new HikariDataSource(hc);
    }

    /** One writer inserting single rows without pause; remembers its longest insert. */
    static final class Writes {
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final AtomicLong longestNanos = new AtomicLong();
        private Thread thread;

        static Writes start(HikariDataSource ds) {
            Writes w = new Writes();
            w.thread = Thread.ofPlatform().name("bench-writer").start(() -> {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO patient (last_name, first_name) VALUES ('Bench', 'Writer')")) {
                    while (w.run.get()) {
                        long s = System.nanoTime();
                        ps.executeUpdate();
                        w.longestNanos.accumulateAndGet(System.nanoTime() - s, Math::max);
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            return w;
        }

        double stop() throws InterruptedException {
            run.set(false);
            thread.join();
            return longestNanos.get() / 1e6;
        }
    }

    private static void report(PracticeDataGenerator.Result gen, long procedures, long bytes, List<Round> rounds) {
        double dump = rounds.stream().mapToDouble(Round::dump).average().orElseThrow();
        double backup = rounds.stream().mapToDouble(Round::backup).average().orElseThrow();
        double load = rounds.stream().mapToDouble(Round::load).average().orElseThrow();
        double restore = rounds.stream().mapToDouble(Round::restore).average().orElseThrow();
        System.out.println();
        System.out.println(f("Backup and restore of one practice: %d rows, %d procedures, %.1f MiB of data + indexes"
                + " (mean of %d rounds)", gen.totalRows(), procedures, bytes / 1048576.0, rounds.size()));
        System.out.println(f("%-52s %9s %12s", "what", "seconds", "size MiB"));
        System.out.println(f("%-52s %9.2f %12.1f", "mariadb-dump --single-transaction to a file", dump,
                rounds.get(0).dumpBytes() / 1048576.0));
        System.out.println(f("%-52s %9.2f %12.1f", "cusp backup (tablespaces, zstd, SHA-256, manifest)", backup,
                rounds.get(0).backupBytes() / 1048576.0));
        System.out.println(f("%-52s %9.2f", "mariadb < the dump, into a new database", load));
        System.out.println(f("%-52s %9.2f", "cusp restore: BackupReader.load into a new database", restore));
        System.out.println(f("writers held by the cusp backup: %s ms (the lock); longest single-row insert during it: %s ms;"
                + " during the dump: %s ms", rounds.stream().map(r -> Long.toString(r.lockMs())).toList(),
                rounds.stream().map(r -> f("%.0f", r.backupStallMs())).toList(),
                rounds.stream().map(r -> f("%.0f", r.dumpStallMs())).toList()));
        System.out.println(f("load average at end: %.2f; the machine has %d cores.", BenchKit.loadAverage(),
                Runtime.getRuntime().availableProcessors()));
        System.out.println();
        System.out.println(f("target: backup %.2f s vs dump %.2f s: %.2fx the dump's speed (target >= 3x: %s)", backup, dump,
                dump / backup, dump / backup >= 3 ? "met" : "MISSED"));
        System.out.println(f("target: restore %.2f s vs load %.2f s: %.2fx the load's speed (target >= 3x: %s)", restore,
                load, load / restore, load / restore >= 3 ? "met" : "MISSED"));
    }
}
