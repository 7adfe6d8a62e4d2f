package dev.cusp.bench;

import dev.cusp.Site;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.tls.CertificateAuthority;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** What every benchmark needs: bench sites, an HTTPS client, a closed-loop load runner, percentiles. */
final class BenchKit {
    /** Bench site folders live here (never under /tmp); each run deletes its own. */
    static final Path SITES = Path.of("target", "bench-sites").toAbsolutePath();

    private BenchKit() {
    }

    /** Sites and folders of this run, stopped and deleted even when the run is interrupted (Ctrl-C). */
    private static final java.util.Set<Site> SITES_STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Set<Path> HOMES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SITES_STARTED.forEach(Site::close); // idempotent: already-closed sites return at once
            HOMES.forEach(BenchKit::deleteTree);
        }, "bench-cleanup"));
    }

    /** One benchmark's work, given whether this is a quick smoke run; returns the exit code. */
    @FunctionalInterface
    interface Bench {
        int run(boolean quick) throws Exception;
    }

    /**
     * Every benchmark's {@code main}: runs it, turns a failure into "BENCH FAILED" and exit code
     * 1, prints the duration, and exits (the shutdown hook stops the sites and deletes their
     * folders).
     */
    static void main(String[] args, Bench bench) {
        boolean quick = List.of(args).contains("--quick");
        int exit;
        long t0 = System.nanoTime();
        try {
            exit = bench.run(quick);
        } catch (BenchFailure e) {
            System.out.println("BENCH FAILED: " + e.getMessage());
            exit = 1;
        } catch (Throwable e) {
            System.out.println("BENCH FAILED: " + e);
            e.printStackTrace(System.out);
            exit = 1;
        }
        System.out.println(String.format(java.util.Locale.ROOT, "duration: %.0f s", (System.nanoTime() - t0) / 1e9));
        System.out.flush();
        System.exit(exit);
    }

    /** A benchmark that cannot produce a figure (as opposed to a figure that misses a target). */
    static final class BenchFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BenchFailure(String message) {
            super(message);
        }
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new BenchFailure(message);
        }
    }

    static Path newHome(String label) throws IOException {
        Files.createDirectories(SITES);
        Path home = Files.createTempDirectory(SITES, label + "-");
        HOMES.add(home);
        return home;
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: cannot remove " + dir + ": " + e.getMessage());
        }
    }

    static Site startSite(Path home, Map<String, String> flags) {
        Settings s = Settings.load(flags, Map.of(), null);
        Site site = Site.start(new SiteHome(home), s, pw -> { });
        SITES_STARTED.add(site);
        return site;
    }

    /** An HTTP/1.1 client (keep-alive) that trusts only the site's own CA. */
    static HttpClient client(SiteHome home) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls(home))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A TLS context that trusts only the site's own CA. */
    static SSLContext tls(SiteHome home) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("ca", CertificateAuthority.load(home.tls().caCert()));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP call; returns status and body. */
    record Reply(int status, String body) {
    }

    static Reply call(HttpClient http, String method, String url, String token, String json) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    static String login(HttpClient http, String siteUrl, String tenant, String user, String password)
            throws IOException, InterruptedException {
        Reply r = call(http, "POST", siteUrl + "/api/v1/t/" + tenant + "/login", null,
                "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        check(r.status() == 200, "login to " + tenant + " failed: HTTP " + r.status() + " " + r.body());
        Matcher m = TOKEN.matcher(r.body());
        check(m.find(), "login to " + tenant + ": no token in " + r.body());
        return m.group(1);
    }

    /** The first {@code "id": n} of a JSON body, or -1. */
    static long idOf(String body) {
        Matcher m = ID.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---------------------------------------------------------------- measuring

    static long usedHeapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            sleep(300);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** CPU time a process has used so far, in nanoseconds (-1 if unknown). */
    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    static long mariadbPid(Site site) {
        try {
            return Long.parseLong(Files.readString(site.node().config().pidFile()).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Resident memory of a process in KiB, from /proc (-1 if unknown). */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or gone
        }
        return -1;
    }

    /**
     * The JVM's own class histogram of live objects (a full GC first), as text. Kept as text on
     * disk by callers, so that holding it does not weigh on the next heap measurement.
     */
    static String classHistogramText() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            System.err.println("bench: no class histogram: " + e);
            return "";
        }
    }

    /** Live objects per class name: {count, bytes}. */
    static Map<String, long[]> parseHistogram(String text) {
        Map<String, long[]> out = new HashMap<>();
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
        for (String line : text.split("\n")) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                out.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return out;
    }

    static String machine() {
        long memBytes = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memBytes = os.getTotalMemorySize();
        }
        String gc = ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                .reduce((a, b) -> a + "/" + b).orElse("?");
        return String.format(Locale.ROOT, "%d cores, %.1f GiB RAM, %s %s; JDK %s (%s), GC %s, max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), memBytes / 1073741824.0, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                gc, Runtime.getRuntime().maxMemory() >> 20);
    }

    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- percentiles

    /** Nearest-rank percentile of sorted nanosecond samples, in milliseconds. */
    static double pctMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    static String f(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** A growable array of longs (latency samples). */
    static final class Samples {
        long[] a = new long[1 << 14];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        static long[] sortedUnion(List<Samples> all) {
            int total = all.stream().mapToInt(s -> s.n).sum();
            long[] out = new long[total];
            int at = 0;
            for (Samples s : all) {
                System.arraycopy(s.a, 0, out, at, s.n);
                at += s.n;
            }
            Arrays.sort(out);
            return out;
        }
    }

    // ---------------------------------------------------------------- closed-loop load

    /** One operation of one client; throws (or returns false) when the answer is wrong. */
    @FunctionalInterface
    interface Op {
        boolean run(ThreadLocalRandom rnd) throws Exception;
    }

    @FunctionalInterface
    interface OpFactory {
        Op create(int client) throws Exception;
    }

    /** The figures of one measured phase. */
    record Result(String op, String mode, String conns, int clients, long ops, double seconds, long[] sorted,
                  long errors, String firstError, double genCores, double srvCores, double dbCores,
                  double otherCores, double stmtsPerOp) {
        double opsPerSec() {
            return ops / seconds;
        }

        double p50() {
            return pctMs(sorted, 50);
        }

        double p99() {
            return pctMs(sorted, 99);
        }

        double max() {
            return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        }
    }

    /**
     * Runs {@code clients} threads, each doing one operation after another (closed loop, no think
     * time), for a warm-up and then a measured window. Operations started inside the window count.
     * Every error, in warm-up or window, is counted and the first one kept.
     */
    static Result run(String op, String mode, String conns, int clients, double warmupS, double measureS,
                      long dbPid, OpFactory factory) throws Exception {
        return run(op, mode, conns, clients, warmupS, measureS, dbPid, 0, factory);
    }

    /**
     * As above; with {@code ratePerSec > 0} the clients are paced instead (open loop): each
     * starts an operation every {@code clients / ratePerSec} seconds, and latency counts from
     * the time the operation was due, so that a stall is not hidden by the clients waiting
     * for it (no coordinated omission).
     */
    static Result run(String op, String mode, String conns, int clients, double warmupS, double measureS,
                      long dbPid, double ratePerSec, OpFactory factory) throws Exception {
        long interval = ratePerSec > 0 ? (long) (clients / ratePerSec * 1e9) : 0;
        long origin = System.nanoTime();
        long[] attempts = new long[clients];
        AtomicInteger phase = new AtomicInteger(0); // 0 warm-up, 1 measuring, 2 stop
        List<Samples> samples = new ArrayList<>();
        long[] errors = new long[clients];
        String[] firstError = new String[1];
        List<Thread> threads = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ops.add(factory.create(i));
            samples.add(new Samples());
        }
        for (int i = 0; i < clients; i++) {
            final int c = i;
            Thread t = new Thread(() -> {
                Op o = ops.get(c);
                Samples s = samples.get(c);
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                long due = origin + (interval > 0 ? rnd.nextLong(interval) : 0);
                while (true) {
                    int ph = phase.get();
                    if (ph == 2) {
                        break;
                    }
                    long t0 = System.nanoTime();
                    if (interval > 0) {
                        while (t0 < due) {
                            java.util.concurrent.locks.LockSupport.parkNanos(due - t0);
                            t0 = System.nanoTime();
                        }
                        t0 = due;
                        due += interval;
                        ph = phase.get();
                    }
                    boolean ok;
                    String why = null;
                    try {
                        ok = o.run(rnd);
                        if (!ok) {
                            why = "wrong answer";
                        }
                    } catch (Exception e) {
                        ok = false;
                        why = e.toString();
                    }
                    long t1 = System.nanoTime();
                    attempts[c]++;
                    if (ok) {
                        if (ph == 1) {
                            s.add(t1 - t0);
                        }
                    } else {
                        errors[c]++;
                        synchronized (firstError) {
                            if (firstError[0] == null) {
                                firstError[0] = why;
                            }
                        }
                        if (errors[c] > 100) {
                            break; // broken: do not spin on errors
                        }
                    }
                }
            }, "bench-" + mode.replaceAll("\\W+", "-") + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        java.util.function.LongSupplier statements = dbStatements;
        long q0 = statements == null ? -1 : statements.getAsLong();
        threads.forEach(Thread::start);
        sleep((long) (warmupS * 1000));
        long self = ProcessHandle.current().pid();
        long jvm0 = cpuNanos(self);
        long db0 = cpuNanos(dbPid);
        Map<Long, long[]> th0 = threadCpu();
        long[] machine0 = machineCpuTicks();
        long start = System.nanoTime();
        phase.set(1);
        sleep((long) (measureS * 1000));
        // Snapshots before the clients stop: a finished thread's CPU time can no longer be read.
        long end = System.nanoTime();
        long jvm1 = cpuNanos(self);
        long db1 = cpuNanos(dbPid);
        Map<Long, long[]> th1 = threadCpu();
        long[] machine1 = machineCpuTicks();
        phase.set(2);
        long gen = 0;
        for (Map.Entry<Long, long[]> e : th1.entrySet()) {
            long[] before = th0.get(e.getKey());
            if (e.getValue()[1] == 1) {
                gen += e.getValue()[0] - (before == null ? 0 : before[0]);
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
            check(!t.isAlive(), op + " " + mode + ": a client did not stop within 60 s");
        }
        long q1 = statements == null ? -1 : statements.getAsLong();
        long attempted = Arrays.stream(attempts).sum();
        double stmtsPerOp = q0 < 0 || q1 < 0 || attempted == 0 ? Double.NaN : (q1 - q0) / (double) attempted;
        double secs = (end - start) / 1e9;
        long[] sorted = Samples.sortedUnion(samples);
        long errs = Arrays.stream(errors).sum();
        double jvmCores = jvm0 < 0 || jvm1 < 0 ? Double.NaN : (jvm1 - jvm0) / 1e9 / secs;
        double genCores = gen / 1e9 / secs;
        double dbCores = db0 < 0 || db1 < 0 ? Double.NaN : (db1 - db0) / 1e9 / secs;
        double busyCores = machine0 == null || machine1 == null ? Double.NaN
                : (machine1[0] - machine0[0]) / (double) TICKS_PER_SECOND / secs;
        return new Result(op, mode, conns, clients, sorted.length, secs, sorted, errs, firstError[0], genCores,
                jvmCores - genCores, dbCores, busyCores - jvmCores - dbCores, stmtsPerOp);
    }

    /**
     * Statements the database has received so far (its Questions counter), or null when not
     * measured. Read before the clients start and after they stop: divided by the operations
     * they attempted, it gives the database statements one operation costs.
     */
    static volatile java.util.function.LongSupplier dbStatements;

    /** Points {@link #dbStatements} at the site's node, over one admin connection of its own. */
    static java.sql.Connection countStatementsOf(Site site) throws java.sql.SQLException {
        java.sql.Connection c = java.sql.DriverManager.getConnection(site.node().jdbcUrl(null),
                dev.cusp.node.EmbeddedNode.ADMIN_USER,
                dev.cusp.base.FilePermissions.read(site.home().nodeAdminPassword()));
        dbStatements = () -> {
            try (java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
                rs.next();
                return rs.getLong(2) - 1; // not counting this SHOW itself
            } catch (java.sql.SQLException e) {
                return -1;
            }
        };
        return c;
    }

    /** /proc/stat counts in USER_HZ, which is 100 on Linux whatever the kernel's HZ. */
    static final long TICKS_PER_SECOND = 100;

    /** {busy ticks, total ticks} of the whole machine since boot, from /proc/stat; null if unknown. */
    static long[] machineCpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user..steal; guest is inside user
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {JIT compilation ms, GC ms} of this JVM since start (NaN where the JVM does not say): a
     * window's difference tells whether the compiler or the collector ran in it. G1's beans
     * count its pauses (young, mixed, remark, cleanup); a concurrent collector's would count its
     * cycles.
     */
    static double[] jitAndGcMs() {
        var jit = ManagementFactory.getCompilationMXBean();
        double jitMs = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime()
                : Double.NaN;
        double gcMs = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        return new double[] {jitMs, gcMs};
    }

    /** The 1-minute load average, or NaN. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * CPU time of every live thread of this JVM: {nanos, 1 if the thread belongs to the load
     * generator (bench clients and the JDK HTTP client's own threads), else 0}.
     */
    static Map<Long, long[]> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<Long, long[]> out = new HashMap<>();
        for (var info : mx.dumpAllThreads(false, false, 0)) {
            long cpu = mx.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                String n = info.getThreadName();
                out.put(info.getThreadId(), new long[] {cpu, n.startsWith("bench-") || n.startsWith("HttpClient-")
                        ? 1 : 0});
            }
        }
        return out;
    }
}
