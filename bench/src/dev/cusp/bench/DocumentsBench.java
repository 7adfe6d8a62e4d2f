package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import dev.cusp.Site;
import dev.cusp.document.DocumentStore;
import dev.cusp.support.AtoZFolder;
import dev.cusp.tenant.TenantService;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/run documents}: a practice's files at one site.
 * <ol>
 * <li>Import rate: a generated, realistic A-to-Z folder ({@link AtoZFolder}: about 6,000 files,
 * 2 GB; {@code -Dbench.documents.mb}) brought in with the admin API's import job, next to
 * {@code cp -r} of the same folder on the same disk followed by {@code sync} (Cusp fsyncs each file;
 * before and after, to bracket the noise);
 * then the second, idempotent import (it only reads and hashes).</li>
 * <li>Heap while streaming: one file of {@code -Dbench.documents.stream.mb} (2 GB; 256 MB
 * quick) uploaded and downloaded through the API, the live heap (after a full GC) read each second, next
 * to the same for a file an eighth of the size: flat means no growth with the file's size.</li>
 * </ol>
 * Replication of files between sites (propagation, a new site against rsync) is measured by
 * the replication part of the documents work, not here.
 */
public final class DocumentsBench {
    public static void main(String[] args) {
        BenchKit.main(args, quick -> new DocumentsBench(quick).run());
    }

    private static final Pattern JOB = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([a-z]+)\"");
    private final boolean quick;
    private final long folderBytes;
    private final long streamBytes;

    DocumentsBench(boolean quick) {
        this.quick = quick;
        this.folderBytes = Long.parseLong(System.getProperty("bench.documents.mb", quick ? "64" : "2048")) * 1_048_576;
        this.streamBytes = Long.parseLong(System.getProperty("bench.documents.stream.mb", quick ? "256" : "2048"))
                * 1_048_576;
    }

    int run() throws Exception {
        System.out.println("== Cusp benchmark: documents (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("         load average at start: %.2f", BenchKit.loadAverage()));
        Path home = BenchKit.newHome("documents");
        Site site = BenchKit.startSite(home, Map.of("port", "0", "db.buffer.pool.mb", "128",
                "document.max.mb", Long.toString(streamBytes / 1_048_576 + 1)));
        HttpClient http = BenchKit.client(site.home());
        String admin = Files.readString(site.home().cliToken()).trim();
        TenantService.Created t = site.tenants().create("docs", 7100);

        Path folder = site.home().backups().resolve("atoz");
        long g0 = System.nanoTime();
        AtoZFolder.Made made = AtoZFolder.generate(folder, AtoZFolder.people(quick ? 200 : 3000, 1, 1), folderBytes, 1);
        System.out.println(f("-- folder: %,d files, %.1f MiB, %,d patient folders (generated in %.1f s)", made.files(),
                made.bytes() / 1048576.0, made.patientFolders(), (System.nanoTime() - g0) / 1e9));

        double cp1 = copy(folder, site.home().backups().resolve("cp1"));
        double importSeconds = importJob(http, site, admin, t.tenant().name(), folder);
        double cp2 = copy(folder, site.home().backups().resolve("cp2"));
        double again = importJob(http, site, admin, t.tenant().name(), folder);
        double mb = made.bytes() / 1048576.0;
        System.out.println(f("   cp -r + sync (before): %6.1f s  %7.1f MiB/s", cp1, mb / cp1));
        System.out.println(f("   cusp import:           %6.1f s  %7.1f MiB/s  (%.2fx cp -r + sync, the mean of both runs)",
                importSeconds, mb / importSeconds, ((cp1 + cp2) / 2) / importSeconds));
        System.out.println(f("   cp -r + sync (after):  %6.1f s  %7.1f MiB/s", cp2, mb / cp2));
        System.out.println(f("   cusp import again:     %6.1f s  %7.1f MiB/s  (nothing added: reads and hashes)",
                again, mb / again));
        check(site.documents().of(t.tenant().dbName()).hashes().size() == made.files(),
                "the store does not hold one content per generated file");

        String token = BenchKit.login(http, site.url(), t.tenant().name(), t.adminUser(), t.adminPassword());
        long small = Math.max(1_048_576, streamBytes / 8);
        Stream smallRun = stream(http, site, token, t.tenant().name(), small, 2);
        Stream bigRun = stream(http, site, token, t.tenant().name(), streamBytes, 3);
        System.out.println("-- live heap (after a full GC, each second) while one file streams in and out (site and"
                + " client share this JVM)");
        for (Stream s : List.of(smallRun, bigRun)) {
            System.out.println(f("   %,6d MiB: upload %5.1f s (%6.1f MiB/s), download %5.1f s (%6.1f MiB/s);"
                    + " live heap: %.0f MiB before, peak %.0f MiB up, %.0f MiB down", s.bytes() / 1048576,
                    s.upSeconds(), s.bytes() / 1048576.0 / s.upSeconds(), s.downSeconds(),
                    s.bytes() / 1048576.0 / s.downSeconds(), s.heapBefore() / 1048576.0, s.peakUp() / 1048576.0,
                    s.peakDown() / 1048576.0));
        }
        double growth = (Math.max(bigRun.peakUp(), bigRun.peakDown()) - Math.max(smallRun.peakUp(),
                smallRun.peakDown())) / 1048576.0;
        System.out.println(f("   peak live heap growth from %d MiB to %d MiB files: %+.0f MiB (target: flat)",
                small / 1048576, streamBytes / 1048576, growth));
        site.close();
        return 0;
    }

    /** {@code cp -r}, then {@code sync} of the file system: Cusp fsyncs every file it stores, cp does not. */
    private static double copy(Path from, Path to) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", "cp -r \"$1\" \"$2\" && sync -f \"$2\"", "sh", from.toString(),
                to.toString()).inheritIO().start();
        check(p.waitFor() == 0, "cp -r failed");
        double s = (System.nanoTime() - t0) / 1e9;
        BenchKit.deleteTree(to);
        return s;
    }

    private static double importJob(HttpClient http, Site site, String admin, String tenant, Path dir)
            throws Exception {
        long t0 = System.nanoTime();
        BenchKit.Reply r = BenchKit.call(http, "POST", site.url() + "/api/v1/admin/tenants/" + tenant
                + "/documents/import", admin, "{\"dir\": \"" + dir + "\"}");
        check(r.status() == 202, "import refused: " + r.body());
        Matcher m = JOB.matcher(r.body());
        check(m.find(), "no job id in " + r.body());
        String id = m.group(1);
        while (true) {
            Thread.sleep(200);
            BenchKit.Reply j = BenchKit.call(http, "GET", site.url() + "/api/v1/admin/jobs/" + id, admin, null);
            Matcher s = STATE.matcher(j.body());
            check(s.find(), "no job state in " + j.body());
            if (s.group(1).equals("succeeded")) {
                return (System.nanoTime() - t0) / 1e9;
            }
            check(s.group(1).equals("running"), "the import failed: " + j.body());
        }
    }

    record Stream(long bytes, double upSeconds, double downSeconds, long heapBefore, long peakUp, long peakDown) {
    }

    /** Uploads {@code size} generated bytes (never held in memory) and downloads them, sampling the heap. */
    private static Stream stream(HttpClient http, Site site, String token, String tenant, long size, long seed)
            throws Exception {
        System.gc();
        long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        // The live heap: used heap right after a full collection, once a second. Used heap between
        // collections mostly measures how much garbage the collector lets pile up.
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                System.gc();
                peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(site.url() + "/api/v1/t/" + tenant
                + "/documents/upload?file_name=big-" + size + ".bin")).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> generated(size, seed)), size)).build(), HttpResponse.BodyHandlers.ofString());
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        check(up.statusCode() == 201, "upload refused: " + up.body());
        long peakUp = peak.getAndSet(0);
        long id = BenchKit.idOf(up.body());
        long t1 = System.nanoTime();
        HttpResponse<InputStream> down = http.send(HttpRequest.newBuilder(URI.create(site.url() + "/api/v1/t/"
                + tenant + "/documents/" + id + "/content")).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = DocumentStore.sha256();
        long n = 0;
        try (InputStream in = down.body()) {
            byte[] buf = new byte[128 * 1024];
            for (int r; (r = in.read(buf)) != -1; ) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        double downSeconds = (System.nanoTime() - t1) / 1e9;
        sampling.set(false);
        sampler.join();
        System.gc();
        peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        check(n == size, "downloaded " + n + " of " + size + " bytes");
        check(up.body().contains(HexFormat.of().formatHex(sha.digest())), "the download's hash is not the upload's");
        return new Stream(size, upSeconds, downSeconds, before, peakUp, peak.get());
    }

    /** {@code size} pseudo-random bytes, made as they are read. */
    private static InputStream generated(long size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) r.nextInt();
                }
                left -= n;
                return n;
            }
        };
    }


}
