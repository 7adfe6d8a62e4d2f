package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.bench.GroupKit.Member;
import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import dev.cusp.support.AtoZFolder;
import dev.cusp.tenant.TenantService;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Issue 17, document replication: how fast files reach other sites, each figure next to its
 * baseline in the same run.
 * <ol>
 * <li><b>A new site receiving every file.</b> Site a holds a practice's folder of generated
 * files with the size spread of a real practice (x-rays and photos of 0.1-4 MB, PDFs of 50 KB-2
 * MB; full: about 2 GB). A fresh site b joins a's group; the join's document phase (every file
 * fetched by hash over mutual TLS, hashed, fsynced, renamed into place) is timed from the job's
 * result. Baseline: {@code rsync -a} of the same folder from an rsync daemon on 127.0.0.1 into
 * an empty folder (plain TCP, no TLS, no hashing of the whole file); and {@code rsync -a} over ssh
 * to a private sshd on 127.0.0.1 ({@link RsyncSsh}: encrypted and authenticated like Cusp's TLS).
 * Target: Cusp's rate at least rsync's (printed in MiB/s: bytes / 1,048,576).</li>
 * <li><b>Steady-state propagation.</b> With a and b in the group, 1 MB files are uploaded at a
 * through the practice API at 5 per second; each one's time from the upload's start until the
 * file is whole under its name in b's store. p50 and p99; target p99 under 2 s.</li>
 * </ol>
 * Syncthing, the second propagation baseline ({@link Syncthing}), runs last, on the same
 * machine after both sites are closed: the same uploads as files written into one Syncthing
 * folder, timed until whole in the other's.
 */
public final class DocumentSyncBench {
    public static void main(String[] args) {
        BenchKit.main(args, quick -> {
            new DocumentSyncBench(quick).run();
            return 0;
        });
    }

    private final boolean quick;
    private final long folderBytes;
    private final int propagationSeconds;

    DocumentSyncBench(boolean quick) {
        this.quick = quick;
        this.folderBytes = Long.parseLong(System.getProperty("bench.documents.mb", quick ? "40" : "2048")) * 1_048_576L;
        this.propagationSeconds = Integer.parseInt(System.getProperty("bench.seconds", quick ? "5" : "60"));
        CopyCost.full = !quick;
    }

    void run() throws Exception {
        System.out.println("# documents: replication of a practice's files (" + BenchKit.machine() + ", " + BenchKit.now()
                + ")");
        System.out.println(f("load average at start: %.2f", BenchKit.loadAverage()));
        List<Member> sites = GroupKit.startSites("docsync", Map.of("db.buffer.pool.mb", "64",
                "document.scrub.kbps", "0", "document.sync.parallel", System.getProperty("bench.documents.parallel", "4")),
                "a", "b");
        Member a = sites.get(0);
        Member b = sites.get(1);
        TenantService.Created t = a.site().tenants().create("docbench", 4711);
        String db = t.tenant().dbName();
        DocumentStore store = new DocumentStores(a.site().home().documents()).of(db);
        long[] made = fill(a, store, db);
        System.out.println(f("folder at a: %,d files, %.1f MiB", made[0], made[1] / 1048576.0));

        // Baseline first (b's join then reads a's files from a warm page cache, as rsync did).
        CopyCost.warmUp(store.folder().resolve("sha256"));
        Copy plain = rsync(store.folder().resolve("sha256"));
        double rsync = plain.seconds();
        System.out.println(f("rsync -a over loopback (daemon on 127.0.0.1): %.1f s, %.1f MiB/s; CPU %.1f s", rsync,
                made[1] / 1048576.0 / rsync, plain.cpuSeconds()));
        // What Cusp promises for each file (fsynced before its rename into place), rsync does with --fsync.
        Copy durable = rsync(store.folder().resolve("sha256"), "--fsync");
        double rsyncFsync = durable.seconds();
        System.out.println(f("rsync -a --fsync over loopback (daemon; each file fsynced, as Cusp does): %.1f s,"
                + " %.1f MiB/s; CPU %.1f s", rsyncFsync, made[1] / 1048576.0 / rsyncFsync, durable.cpuSeconds()));
        RsyncSsh.Result overSsh = RsyncSsh.time(store.folder().resolve("sha256"), !quick);
        if (overSsh != null) {
            System.out.println(f("rsync -a over ssh to localhost (sshd on 127.0.0.1, cipher %s): %.1f s, %.1f MiB/s;"
                    + " CPU %.1f s", overSsh.cipher(), overSsh.seconds(), made[1] / 1048576.0 / overSsh.seconds(),
                    overSsh.cpuSeconds()));
        }
        CopyCost.beforeCopy();
        double[] cpu = {Double.NaN};
        GroupKit.Joined joined = GroupKit.join(b, GroupKit.invite(a, "peer"), Duration.ofMinutes(60), step -> {
            if (step.contains("fetching") && Double.isNaN(cpu[0])) {
                cpu[0] = CopyCost.processCpuSeconds();
            }
        });
        double cuspCpu = CopyCost.processCpuSeconds() - cpu[0];
        // The phase ends when every file is whole under its name (as rsync -a ends, its bytes in the
        // kernel's cache); b forces them to disk behind the transfers (documents' Unsettled): the
        // phase plus the wait, after the join's result, until the last is, next to rsync --fsync.
        long joined0 = System.nanoTime();
        check(b.site().documentSync().store().awaitSettled(Duration.ofMinutes(10)), "b's files never settled");
        double settleWait = (System.nanoTime() - joined0) / 1e9;
        JsonNode docs = joined.job().result() == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : joined.job().result().path("documents");
        check(docs.path("files_missing").asLong(-1) == 0, "b still lacks files after its join: " + docs);
        check(docs.path("files").asLong() == made[0], "b fetched " + docs.path("files") + " files, a holds " + made[0]);
        double cusp = docs.path("seconds").asDouble();
        long[] atB = storeSize(new DocumentStores(b.site().home().documents()).of(db).folder().resolve("sha256"));
        check(atB[0] == made[0] && atB[1] == made[1], "b's store holds " + atB[0] + " files, " + atB[1] + " bytes; a's "
                + made[0] + ", " + made[1]);
        // The rate is the folder's bytes (b's store holds them all, checked above) over the phase's time;
        // the job's own count of bytes received is printed beside it.
        System.out.println(f("cusp join, document phase: %,d files, %.1f MiB in %.1f s, %.1f MiB/s; CPU %.1f s (both"
                + " sites' JVM; the job counted %.1f MiB received) (%.2fx rsync's daemon, %.2fx rsync --fsync%s)",
                docs.path("files").asLong(), made[1] / 1048576.0, cusp, made[1] / 1048576.0 / cusp, cuspCpu,
                docs.path("bytes").asLong() / 1048576.0, rsync / cusp, rsyncFsync / cusp,
                overSsh == null ? "" : f(", %.2fx rsync over ssh", overSsh.seconds() / cusp)));
        double cuspDurable = cusp + settleWait;
        System.out.println(f("cusp join, every file forced to disk %.1f s after the join's result: %.1f s in all,"
                + " %.1f MiB/s durable (%.2fx rsync --fsync)", settleWait, cuspDurable, made[1] / 1048576.0 / cuspDurable,
                rsyncFsync / cuspDurable));
        GroupKit.awaitLinks(a, 1, Duration.ofSeconds(60));
        GroupKit.awaitLinks(b, 1, Duration.ofSeconds(60));
        System.out.println(f("load average after the join: %.2f", BenchKit.loadAverage()));
        propagation(a, b, t, db);
        System.out.println(f("load average after Cusp's propagation: %.2f", BenchKit.loadAverage()));
        a.site().close();
        b.site().close();
        Syncthing.propagation(propagationSeconds, !quick);
        System.out.println(f("load average at the end: %.2f", BenchKit.loadAverage()));
    }

    /** Generated files with a practice's size spread, put into a's store with their rows (no upload cost). */
    private long[] fill(Member a, DocumentStore store, String db) throws Exception {
        Random r = new Random(17);
        long files = 0;
        long bytes = 0;
        byte[] buf = new byte[4 * 1048576];
        try (Connection c = a.admin(); PreparedStatement ps = c.prepareStatement("INSERT INTO `" + db
                + "`.document (file_name, mime_type, size_bytes, sha256, category) VALUES (?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            while (bytes < folderBytes) {
                // The same spread as bench/run documents' A-to-Z folder (about 6,000 files make 2 GB).
                boolean pdf = r.nextDouble() >= 0.85;
                String mime = pdf ? "application/pdf" : "image/jpeg";
                int size = (int) Math.min(AtoZFolder.size(pdf, r.nextDouble()), buf.length);
                r.nextBytes(buf);
                DocumentStore.Stored s = store.put(new java.io.ByteArrayInputStream(buf, 0, size), null, size);
                ps.setString(1, "file" + files + (mime.equals("application/pdf") ? ".pdf" : ".jpg"));
                ps.setString(2, mime);
                ps.setLong(3, size);
                ps.setString(4, s.sha256());
                ps.setString(5, mime.equals("application/pdf") ? "letter" : "xray");
                ps.addBatch();
                files++;
                bytes += size;
                if (files % 200 == 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
        return new long[] {files, bytes};
    }

    /** Files and bytes under a store's {@code sha256} folder. */
    private static long[] storeSize(Path dir) throws java.io.IOException {
        long[] out = new long[2];
        try (var files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                out[0]++;
                out[1] += f.toFile().length();
            });
        }
        return out;
    }

    /** A baseline copy: its wall time, and the CPU seconds its processes used (both ends). */
    record Copy(double seconds, double cpuSeconds) {
    }

    /**
     * {@code rsync -a} from a daemon on 127.0.0.1 serving {@code src} into an empty folder. CPU:
     * the client's (bash's {@code times} for its children) and the daemon's connection child (reaped
     * by the daemon, so in its {@code /proc} children's times).
     */
    private static Copy rsync(Path src, String... options) throws Exception {
        Path dir = BenchKit.newHome("rsync");
        Path conf = dir.resolve("rsyncd.conf");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(conf, "pid file = " + dir.resolve("rsyncd.pid") + "\nuse chroot = no\n"
                + "[docs]\npath = " + src + "\nread only = yes\nuid = root\ngid = root\n", StandardCharsets.UTF_8);
        Process daemon = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--address=127.0.0.1",
                "--port=" + port, "--config=" + conf).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyncd.log").toFile()).start();
        try {
            BenchKit.sleep(500);
            Path dest = dir.resolve("dest");
            Files.createDirectories(dest);
            List<String> cmd = new java.util.ArrayList<>(CopyCost.timed("rsync", "-a"));
            cmd.addAll(List.of(options));
            cmd.addAll(List.of("rsync://127.0.0.1:" + port + "/docs/", dest + "/"));
            CopyCost.beforeCopy();
            double daemonCpu0 = CopyCost.cpuWithChildren(daemon.pid());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            check(p.waitFor(60, TimeUnit.MINUTES) && p.exitValue() == 0, "rsync failed: " + out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            BenchKit.sleep(300);
            return new Copy(seconds, CopyCost.childrenCpu(out) + CopyCost.cpuWithChildren(daemon.pid()) - daemonCpu0);
        } finally {
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
            CopyCost.deleteCopy(dir);
        }
    }

    /** 1 MB uploads at a, 5 per second; time until each is whole in b's store. */
    private void propagation(Member a, Member b, TenantService.Created t, String db) throws Exception {
        String token = BenchKit.login(a.http(), a.url(), t.tenant().name(), t.adminUser(), t.adminPassword());
        DocumentStore atB = new DocumentStores(b.site().home().documents()).of(db);
        Random r = new Random(23);
        int n = propagationSeconds * 5;
        long[] lat = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * 200_000_000L;
            while (System.nanoTime() < due) {
                BenchKit.sleep(1);
            }
            byte[] content = new byte[1_048_576];
            r.nextBytes(content);
            long t0 = System.nanoTime();
            HttpResponse<String> resp = a.http().send(HttpRequest.newBuilder(URI.create(a.url() + "/api/v1/t/"
                            + t.tenant().name() + "/documents/upload?file_name=p" + i + ".jpg"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
            check(resp.statusCode() == 201, "upload " + i + ": " + resp.statusCode() + " " + resp.body());
            String sha = java.util.HexFormat.of().formatHex(DocumentStore.sha256().digest(content));
            lat[i] = -1;
            watch(atB, sha, i, t0, lat);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && java.util.Arrays.stream(lat).anyMatch(x -> x < 0)) {
            BenchKit.sleep(20);
        }
        check(java.util.Arrays.stream(lat).noneMatch(x -> x < 0), "some uploads never reached b");
        long[] sorted = lat.clone();
        java.util.Arrays.sort(sorted);
        System.out.println(f("propagation a -> b, %d uploads of 1 MB at 5/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                + " (target p99 < 2000 ms)", n, BenchKit.pctMs(sorted, 50), BenchKit.pctMs(sorted, 99),
                sorted[sorted.length - 1] / 1e6));
    }

    /** Polls b's store every 5 ms for the file (a virtual thread per upload). */
    private static void watch(DocumentStore atB, String sha, int i, long t0, long[] lat) {
        Thread.ofVirtual().start(() -> {
            long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (atB.has(sha)) {
                    lat[i] = System.nanoTime() - t0;
                    return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
