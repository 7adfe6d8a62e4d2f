package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.f;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 17's second propagation baseline: Syncthing (content-addressed blocks, continuous sync)
 * between two instances on 127.0.0.1, each with a generated key and a config written here: one
 * shared folder, no discovery, relays or NAT, the file-system watcher at its shortest delay (1 s;
 * the default is 10 s). 1 MB files are written into a's folder (a temporary name, then a rename,
 * as an application saves) at 5 per second; each one's time until it is whole under its name in
 * b's folder (Syncthing, too, writes a temporary name and renames). Skipped, with the reason
 * printed, when Syncthing is not installed and cannot be (the Debian package {@code syncthing}).
 */
final class Syncthing {
    private static final Pattern DEVICE = Pattern.compile("Device ID: ([A-Z0-9-]{63})");

    private Syncthing() {
    }

    private record Instance(String name, Path home, Path folder, String device, int listen, int gui, String key) {
    }

    /** @param install whether to apt-get install Syncthing when it is missing (not in a --quick smoke run) */
    static void propagation(int seconds, boolean install) throws Exception {
        String why = available(install);
        if (why != null) {
            System.out.println("syncthing: skipped: " + why);
            return;
        }
        Path dir = BenchKit.newHome("syncthing");
        List<Process> running = new ArrayList<>();
        try {
            Instance a = generate(dir, "a");
            Instance b = generate(dir, "b");
            config(a, b);
            config(b, a);
            running.add(start(a));
            running.add(start(b));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long t0 = System.nanoTime();
            while (!connected(http, a, b) || !connected(http, b, a)) {
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    System.out.println("syncthing: skipped: the two instances did not connect within 120 s");
                    return;
                }
                BenchKit.sleep(250);
            }
            System.out.println(f("syncthing %s: a and b connected over 127.0.0.1 in %.1f s", version(),
                    (System.nanoTime() - t0) / 1e9));
            measure(a, b, seconds);
        } finally {
            for (Process p : running) {
                p.destroy();
            }
            for (Process p : running) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            BenchKit.deleteTree(dir);
        }
    }

    /** Null when syncthing runs here (installed now if need be and allowed); else why not. */
    private static String available(boolean install) {
        if (run("syncthing", "--version") == 0) {
            return null;
        }
        if (!install) {
            return "syncthing is not installed (Debian package 'syncthing'); a --quick run does not install it";
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            return "syncthing is not installed (Debian package 'syncthing'), and this bench installs it only as root";
        }
        System.out.println("syncthing: not installed; apt-get install -y syncthing ...");
        if (run("apt-get", "install", "-y", "-q", "syncthing") != 0 && (run("apt-get", "update", "-q") != 0
                || run("apt-get", "install", "-y", "-q", "syncthing") != 0)) {
            return "syncthing is not installed and apt-get could not install it";
        }
        return run("syncthing", "--version") == 0 ? null : "syncthing was installed but does not run";
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(10, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String version() throws Exception {
        Process p = new ProcessBuilder("syncthing", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        String[] w = out.split(" ");
        return w.length > 1 ? w[1] : out;
    }

    private static Instance generate(Path dir, String name) throws Exception {
        Path home = dir.resolve(name);
        Path folder = dir.resolve(name + "-folder");
        Files.createDirectories(folder);
        Process p = new ProcessBuilder("syncthing", "generate", "--home=" + home, "--no-default-folder",
                "--skip-port-probing").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        BenchKit.check(p.waitFor() == 0, "syncthing generate failed: " + out);
        Matcher m = DEVICE.matcher(out);
        BenchKit.check(m.find(), "no device id from syncthing generate: " + out);
        return new Instance(name, home, folder, m.group(1), freePort(), freePort(), UUID.randomUUID().toString());
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code me}'s config.xml: one folder shared with {@code other}, loopback only, nothing phoning out. */
    private static void config(Instance me, Instance other) throws IOException {
        String xml = "<configuration version=\"36\">\n"
                + "  <folder id=\"docs\" label=\"docs\" path=\"" + me.folder() + "\" type=\"sendreceive\""
                + " rescanIntervalS=\"3600\" fsWatcherEnabled=\"true\" fsWatcherDelayS=\"1\">\n"
                + "    <device id=\"" + me.device() + "\"></device>\n"
                + "    <device id=\"" + other.device() + "\"></device>\n"
                + "  </folder>\n"
                + device(me) + device(other)
                + "  <gui enabled=\"true\" tls=\"false\"><address>127.0.0.1:" + me.gui() + "</address><apikey>"
                + me.key() + "</apikey></gui>\n"
                + "  <options>\n"
                + "    <listenAddress>tcp://127.0.0.1:" + me.listen() + "</listenAddress>\n"
                + "    <globalAnnounceEnabled>false</globalAnnounceEnabled>\n"
                + "    <localAnnounceEnabled>false</localAnnounceEnabled>\n"
                + "    <relaysEnabled>false</relaysEnabled>\n"
                + "    <natEnabled>false</natEnabled>\n"
                + "    <startBrowser>false</startBrowser>\n"
                + "    <urAccepted>-1</urAccepted>\n"
                + "    <autoUpgradeIntervalH>0</autoUpgradeIntervalH>\n"
                + "    <crashReportingEnabled>false</crashReportingEnabled>\n"
                + "  </options>\n"
                + "</configuration>\n";
        Files.writeString(me.home().resolve("config.xml"), xml, StandardCharsets.UTF_8);
    }

    private static String device(Instance i) {
        return "  <device id=\"" + i.device() + "\" name=\"" + i.name() + "\" compression=\"never\">"
                + "<address>tcp://127.0.0.1:" + i.listen() + "</address></device>\n";
    }

    private static Process start(Instance i) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("syncthing", "serve", "--home=" + i.home(), "--no-browser",
                "--no-restart", "--no-upgrade", "--logfile=" + i.home().resolve("syncthing.log"))
                .redirectErrorStream(true).redirectOutput(i.home().resolve("stdout.log").toFile());
        pb.environment().put("STNOUPGRADE", "1");
        pb.environment().put("HOME", i.home().toString());
        return pb.start();
    }

    private static boolean connected(HttpClient http, Instance at, Instance other) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.gui()
                    + "/rest/system/connections")).header("X-API-Key", at.key()).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode n = dev.cusp.base.JsonMapping.MAPPER.readTree(r.body());
            return n.path("connections").path(other.device()).path("connected").asBoolean(false);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void measure(Instance a, Instance b, int seconds) throws Exception {
        // Let both finish their first scan of the empty folder.
        BenchKit.sleep(3000);
        Random r = new Random(23);
        int n = seconds * 5;
        long[] lat = new long[n];
        Arrays.fill(lat, -1);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * 200_000_000L;
            while (System.nanoTime() < due) {
                BenchKit.sleep(1);
            }
            byte[] content = new byte[1_048_576];
            r.nextBytes(content);
            long t0 = System.nanoTime();
            Path tmp = a.folder().resolve(".p" + i + ".jpg.tmp");
            Files.write(tmp, content);
            Files.move(tmp, a.folder().resolve("p" + i + ".jpg"), StandardCopyOption.ATOMIC_MOVE);
            int k = i;
            Path there = b.folder().resolve("p" + i + ".jpg");
            Thread.ofVirtual().start(() -> {
                long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline) {
                    try {
                        if (Files.size(there) == content.length) {
                            lat[k] = System.nanoTime() - t0;
                            return;
                        }
                    } catch (IOException e) {
                        // Not there yet.
                    }
                    BenchKit.sleep(5);
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && Arrays.stream(lat).anyMatch(x -> x < 0)) {
            BenchKit.sleep(20);
        }
        long missing = Arrays.stream(lat).filter(x -> x < 0).count();
        long[] sorted = Arrays.stream(lat).filter(x -> x >= 0).sorted().toArray();
        if (sorted.length == 0) {
            System.out.println("syncthing: no file reached b within 120 s");
            return;
        }
        System.out.println(f("syncthing a -> b, %d files of 1 MB at 5/s (watcher delay 1 s): p50 %.0f ms, p99 %.0f ms,"
                + " max %.0f ms%s", n, BenchKit.pctMs(sorted, 50), BenchKit.pctMs(sorted, 99),
                sorted[sorted.length - 1] / 1e6, missing == 0 ? "" : f(" (%d never arrived within 120 s)", missing)));
    }
}
