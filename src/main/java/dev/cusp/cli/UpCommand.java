package dev.cusp.cli;

import dev.cusp.Site;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp up}: starts the site in the foreground, or in the background with --detach. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Start the site: its MariaDB node and its HTTPS API.")
public final class UpCommand implements Callable<Integer> {
    /** The prefix of the JVM properties a detached start hands on to the site. */
    public static final String TEST_PROPERTIES = "cusp.test.";
    @Mixin
    HomeOption home;
    @Option(names = "--port", description = "HTTPS port (default 7443; 0 picks a free one).")
    Integer port;
    @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1).")
    String bind;
    @Option(names = "--site-name", description = "This site's name (first start only; default site1).")
    String siteName;
    @Option(names = "--detach", description = "Start in the background; return once the site is ready.")
    boolean detach;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SiteHome site = home.site();
        Settings settings = settings(site);
        PrintWriter out = spec.commandLine().getOut();
        return detach ? detached(site, settings, out) : foreground(site, settings, out);
    }

    private Settings settings(SiteHome site) {
        Map<String, String> flags = new HashMap<>();
        if (port != null) {
            flags.put(Settings.PORT.key(), port.toString());
        }
        if (bind != null) {
            flags.put(Settings.BIND.key(), bind);
        }
        if (siteName != null) {
            flags.put(Settings.SITE_NAME.key(), siteName);
        }
        return Settings.load(flags, System.getenv(), site.confFile());
    }

    private int foreground(SiteHome home, Settings settings, PrintWriter out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Site site = Site.start(home, settings, pw -> printCredential(out, pw));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            site.close();
            stopped.countDown();
        }, "cusp-shutdown"));
        out.println("Cusp site is up at " + site.url() + "  (home " + home.dir() + ")");
        out.println("Stop it with Ctrl-C, or './cusp down --home " + home.dir() + "'.");
        out.flush();
        stopped.await();
        return 0;
    }

    private int detached(SiteHome home, Settings settings, PrintWriter out) throws IOException, InterruptedException {
        if (running(home)) {
            throw new CuspException(ErrorCode.SITE_ALREADY_RUNNING, "a site is already running in " + home.dir()
                    + "; see it with './cusp status --home " + home.dir() + "'");
        }
        home.initialize(settings).ifPresent(pw -> printCredential(out, pw));
        Files.deleteIfExists(home.urlFile());
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("cusp.java", ProcessHandle.current().info().command().orElse("java")));
        cmd.add("-Djdk.tls.rejectClientInitiatedRenegotiation=true");
        // A test's seams (cusp.test.*, e.g. cusp.test.restore.pause) go on to the site it starts:
        // they are JVM properties, never settings, so cusp.conf and the environment cannot set them.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(TEST_PROPERTIES)).sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cusp.Cusp", "up", "--home",
                home.dir().toString()));
        if (port != null) {
            cmd.addAll(List.of("--port", port.toString()));
        }
        if (bind != null) {
            cmd.addAll(List.of("--bind", bind));
        }
        Files.createDirectories(home.logFile().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(home.logFile().toFile()))
                .redirectInput(java.lang.ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "the site did not start: " + lastLine(home)
                        + " (full log: " + home.logFile() + ")");
            }
            if (Files.exists(home.urlFile())) {
                out.println("Cusp site is up at " + Files.readString(home.urlFile()).trim() + "  (pid " + p.pid()
                        + ", home " + home.dir() + ", log " + home.logFile() + ")");
                out.println("Stop it with './cusp down --home " + home.dir() + "'.");
                return 0;
            }
            Thread.sleep(200);
        }
        p.destroy();
        throw new CuspException(ErrorCode.UNAVAILABLE, "the site did not become ready in 5 minutes; see "
                + home.logFile());
    }

    static boolean running(SiteHome home) {
        try {
            long pid = Long.parseLong(Files.readString(home.pidFile()).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static String lastLine(SiteHome home) throws IOException {
        List<String> lines = Files.readAllLines(home.logFile());
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains("ERROR") || lines.get(i).startsWith("cusp:")) {
                return lines.get(i).replaceFirst("^cusp: ", "");
            }
        }
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    private static void printCredential(PrintWriter out, String password) {
        out.println("First start: site-admin credential (shown once, stored only as a hash):");
        out.println("  user admin   password " + password);
        out.flush();
    }
}
