package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import dev.cusp.Site;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.secret.Passwords;
import dev.cusp.base.FilePermissions;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 2: "heap per idle tenant with 1,000 tenants; time to create a tenant" (targets: <= 1 MB
 * heap per idle tenant, tenant creation < 1 s); issue 6: "1, 100 and 1,000 tenants on one site:
 * time to create, heap per idle tenant, open connections, and API p99 at each size".
 *
 * <p>Grows one site to each size in turn (default 1, 100, 1,000), timing every creation and
 * interleaving a baseline: the same database, user and schema made by hand (CREATE DATABASE,
 * CREATE USER, GRANT, the practice schema's SQL files run statement by statement as the admin).
 * At each size every new tenant logs in once and makes one API request (its pool and session
 * now exist), every tenant is touched once, the heap is measured ("active"), an API read load
 * spread over all the tenants gives the API's p99 and the open connections, and then the site
 * is left alone until every tenant pool closes as idle (pool.idle.seconds=10) and the heap is
 * measured again ("idle").
 */
public final class DensityBench {
    /** Classes whose live instances tell where per-tenant heap goes. */
    static final String[] WATCH = {"com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.HikariPool",
        "com.zaxxer.hikari.pool.PoolEntry", "org.mariadb.jdbc.Connection",
        "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask",
        "java.util.concurrent.ThreadPoolExecutor", "dev.cusp.api.Sessions$Session",
        "dev.cusp.api.PracticeRoutes$CachedTenant"};

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        Path home = null;
        int exit;
        try {
            home = BenchKit.newHome("density");
            exit = new DensityBench(quick).run(home);
        } catch (BenchKit.BenchFailure e) {
            System.out.println("BENCH FAILED: " + e.getMessage());
            exit = 1;
        } catch (Throwable e) {
            System.out.println("BENCH FAILED: " + e);
            e.printStackTrace(System.out);
            exit = 1;
        } finally {
            BenchKit.deleteTree(home);
        }
        System.out.flush();
        System.exit(exit);
    }

    private final boolean quick;
    private final int[] sizes;
    private final double creationBudgetS;
    private final int creators;
    /** Creations per size step timed one at a time, before the rest run side by side. */
    private static final int ALONE = 20;
    private final int baselineEvery;
    private final double getWarmup;
    private final double getSeconds;
    /** Clients of each size's API read load (issue 6's smallest API client count). */
    static final int GET_CLIENTS = 10;

    DensityBench(boolean quick) {
        this.quick = quick;
        this.sizes = Arrays.stream(System.getProperty("bench.sizes", quick ? "1,5,20" : "1,100,1000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        this.creationBudgetS = Double.parseDouble(System.getProperty("bench.creation.budget.seconds",
                quick ? "120" : "420"));
        this.baselineEvery = Math.max(1, Integer.getInteger("bench.baseline.every", quick ? 4 : 40));
        this.creators = Math.max(1, Integer.getInteger("bench.creators", 2));
        this.getWarmup = quick ? 1 : 2;
        this.getSeconds = quick ? 2 : 8;
    }

    /** What one tenant leaves for later phases. */
    private record Made(TenantService.Created created, String[] token, long[] patient) {
    }

    /** The figures of the site at one size. */
    private record Step(int size, long[] createdSorted, double creationWall, long[] firstUseSorted,
                        int poolsActive, int connsActive, long dbThreadsActive, long heapActive, long rssActive,
                        int jvmThreadsActive, Get get, int poolsAfterGet, int connsAfterGet,
                        long dbThreadsAfterGet, double idleWait, int poolsIdle, int connsIdle, long dbThreadsIdle,
                        long heapIdle, long rssIdle, int jvmThreadsIdle) {
    }

    /**
     * A GET phase's figures without its latency samples: a step keeps them until the report,
     * and holding the samples (~8 bytes per request) would weigh on the next heap measurements.
     */
    private record Get(long ops, double opsPerSec, double p50, double p99, long errors, String firstError) {
        static Get of(BenchKit.Result r) {
            return new Get(r.ops(), r.opsPerSec(), r.p50(), r.p99(), r.errors(), r.firstError());
        }
    }

    int run(Path home) throws Exception {
        System.out.println("== Cusp benchmark: density (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("plan:    %s tenants on one site, grown in steps by %d creators side by side (creation"
                + " budget %.0f s in all), pool.idle.seconds=10, a baseline creation every %d tenants; at each size an"
                + " API read load of %d clients spread over all its tenants", Arrays.toString(sizes), creators,
                creationBudgetS, baselineEvery, GET_CLIENTS));
        System.out.println();
        long t0 = System.nanoTime();
        Site site = BenchKit.startSite(home, Map.of("port", "0", "pool.idle.seconds", "10"));
        try {
            System.out.println(f("-- site started in %.1f s (%s)", (System.nanoTime() - t0) / 1e9, site.url()));
            return measure(site);
        } finally {
            site.close();
        }
    }

    private int measure(Site site) throws Exception {
        HttpClient http = BenchKit.client(site.home());
        long dbPid = BenchKit.mariadbPid(site);
        List<String> schema = CreationBaseline.schemaStatements();

        long heapEmpty = BenchKit.usedHeapAfterGc();
        // A warm-up tenant: loads and initialises every class a tenant touches (Flyway, the
        // driver, Argon2, the routes), so that one-time costs are not charged per tenant.
        TenantService.Created warm = site.tenants().create("warmup", 1);
        Made warmMade = new Made(warm, new String[1], new long[1]);
        firstUse(site, http, warmMade);
        // ... and the API read load's path too (its TLS connections, the server's session cache).
        getPhase("the warm-up tenant", site, List.of(warmMade), dbPid);
        site.pools().evict("warmup");
        // ... and the baselines' paths (admin JDBC, Flyway on a database of its own).
        try (Connection admin = DriverManager.getConnection(site.node().jdbcUrl(null), EmbeddedNode.ADMIN_USER,
                FilePermissions.read(site.home().nodeAdminPassword()))) {
            CreationBaseline.plainCreate(admin, "bl_plain_warmup", schema);
            CreationBaseline.flywayCreate(admin, site, "bl_flyway_warmup");
        }
        long heapWarm = BenchKit.usedHeapAfterGc();
        Path histWarm = saveHistogram(site, "warm");
        long rssWarm = BenchKit.rssKib(dbPid);
        long diskWarm = diskBytes(site.node().config().dataDir());
        int threadsWarm = Thread.activeCount();
        System.out.println(f("-- heap used after GC: %.1f MiB with no tenant, %.1f MiB after the warm-up tenant",
                heapEmpty / 1048576.0, heapWarm / 1048576.0));

        String adminPw = FilePermissions.read(site.home().nodeAdminPassword());
        List<Made> made = new ArrayList<>();
        List<Long> cuspAll = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> aloneAll = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, long[]> aloneBySize = new java.util.HashMap<>();
        List<Long> plain = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Long> flyway = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Step> steps = new ArrayList<>();
        Path histActive = null;
        Path histIdleFile = null;
        long dbThreadsWarm;
        boolean cut = false;
        long creationStart = System.nanoTime();
        double creationWallAll = 0;
        try (Connection admin = DriverManager.getConnection(site.node().jdbcUrl(null), EmbeddedNode.ADMIN_USER,
                adminPw); Connection counter = BenchKit.countStatementsOf(site)) {
            dbThreadsWarm = threadsConnected(admin);
            for (int s = 0; s < sizes.length && !cut; s++) {
                int size = sizes[s];
                boolean last = s == sizes.length - 1;
                // ---- creation up to this size, with the baseline interleaved
                int from = made.size();
                List<Long> stepNs = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Long> aloneStep = java.util.Collections.synchronizedList(new ArrayList<>());
                long stepStart = System.nanoTime();
                Made[] grown = new Made[size - from];
                java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger(from);
                // A provider creates many practices at once: `creators` creations run side by side
                // (each still timed alone); the baseline creations run in turn, next to them.
                int aloneHere = Math.min(ALONE, size - from);
                IndexTask grow = k -> {
                    int i = from + k;
                    if (over.get() || (System.nanoTime() - creationStart) / 1e9 > creationBudgetS) {
                        over.set(true);
                        return;
                    }
                    long a = System.nanoTime();
                    TenantService.Created c = site.tenants().create("t" + (i + 1), i + 2);
                    long ns = System.nanoTime() - a;
                    stepNs.add(ns);
                    cuspAll.add(ns);
                    if (k < aloneHere) {
                        aloneAll.add(ns);
                        aloneStep.add(ns);
                    }
                    grown[k] = new Made(c, new String[1], new long[1]);
                    if (i % baselineEvery == 0) {
                        synchronized (admin) {
                            plain.add(CreationBaseline.plainCreate(admin, "bl_plain_" + i, schema));
                            flyway.add(CreationBaseline.flywayCreate(admin, site, "bl_flyway_" + i));
                        }
                    }
                    if (done.incrementAndGet() % 100 == 0) {
                        System.out.println(f("   %d tenants created, %.0f s since the first (measurements of"
                                + " smaller sizes included)", done.get(), (System.nanoTime() - creationStart) / 1e9));
                    }
                };
                // The first ones one at a time: the creation latency a single `tenant create` sees
                // (the target); the rest by `creators` side by side (how fast a site fills).
                for (int k = 0; k < aloneHere; k++) {
                    grow.run(k);
                }
                parallel(creators, size - from - aloneHere, k -> grow.run(aloneHere + k));
                aloneBySize.put(size, aloneStep.stream().mapToLong(Long::longValue).sorted().toArray());
                for (Made m : grown) {
                    if (m != null) {
                        made.add(m);
                    }
                }
                cut = over.get();
                double stepWall = (System.nanoTime() - stepStart) / 1e9;
                creationWallAll += stepWall;
                int n = made.size();
                if (cut) {
                    System.out.println(f("NOTE: growing to %d tenants would exceed the %.0f s budget (creation and"
                            + " the smaller sizes' measurements); this step stopped at N = %d.", size, creationBudgetS,
                            n));
                }
                // ---- first use of the new tenants: one login and one request each (session and pool)
                long[] fu = new long[n - from];
                parallel(2, n - from, i -> fu[i] = firstUse(site, http, made.get(from + i)));
                Arrays.sort(fu);
                // Touch every tenant once more, so every pool is open at the measurement even
                // though early tenants went idle (10 s) while later ones logged in.
                parallel(8, n, i -> getPatient(http, site, made.get(i)));
                int poolsActive = site.pools().openPools();
                int connsActive = site.pools().openConnections();
                long dbActive = threadsConnected(admin);
                int jvmActive = Thread.activeCount();
                long heapActive = BenchKit.usedHeapAfterGc();
                if (last || cut) {
                    histActive = saveHistogram(site, "active");
                }
                long rssActive = BenchKit.rssKib(dbPid);
                // ---- API read load spread over every tenant of this size
                Get get = Get.of(getPhase(n + " tenants", site, made, dbPid));
                int poolsAfterGet = site.pools().openPools();
                int connsAfterGet = site.pools().openConnections();
                long dbAfterGet = threadsConnected(admin);
                // ---- idle: wait until every tenant pool closed
                long idleWaitStart = System.nanoTime();
                long deadline = idleWaitStart + 120_000_000_000L;
                while (site.pools().openPools() > 0 && System.nanoTime() < deadline) {
                    BenchKit.sleep(500);
                }
                double idleWait = (System.nanoTime() - idleWaitStart) / 1e9;
                int poolsIdle = site.pools().openPools();
                int connsIdle = site.pools().openConnections();
                BenchKit.sleep(6000); // let pool threads (HikariCP's adder/closer, 5 s keep-alive) end
                long dbIdle = threadsConnected(admin);
                int jvmIdle = Thread.activeCount();
                long heapIdle = BenchKit.usedHeapAfterGc();
                if (last || cut) {
                    histIdleFile = saveHistogram(site, "idle");
                }
                long rssIdle = BenchKit.rssKib(dbPid);
                Step st = new Step(n, stepNs.stream().mapToLong(Long::longValue).sorted().toArray(), stepWall, fu,
                        poolsActive, connsActive, dbActive, heapActive, rssActive, jvmActive, get, poolsAfterGet,
                        connsAfterGet, dbAfterGet, idleWait, poolsIdle, connsIdle, dbIdle, heapIdle, rssIdle, jvmIdle);
                steps.add(st);
                System.out.println(f("-- %d tenants: %d created in %.1f s (p99 %.0f ms); API GET p99 %.2f ms;"
                        + " %.0f bytes of heap per idle tenant; pools closed after %.1f s idle (%d still open)", n,
                        st.createdSorted().length, stepWall, BenchKit.pctMs(st.createdSorted(), 99), get.p99(),
                        (heapIdle - heapWarm) / (double) n, idleWait, poolsIdle));
            }
        }
        long diskIdle = diskBytes(site.node().config().dataDir());
        Step top = steps.get(steps.size() - 1);
        int n = top.size();
        long[] cuspSorted = cuspAll.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] plainSorted = plain.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] flywaySorted = flyway.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] argon = new long[10];
        for (int i = 0; i < argon.length; i++) {
            long a = System.nanoTime();
            Passwords.hash("correct horse battery staple " + i);
            argon[i] = System.nanoTime() - a;
        }
        Arrays.sort(argon);

        // ---- report (the histograms are read back only now: holding them would weigh on the heap figures)
        System.out.println();
        System.out.println("Density by size (heap: used heap after System.gc(), relative to the site with one warm-up"
                + " tenant; conns: open / idle)");
        System.out.println("tenants  created  create p50 ms  p99 ms  max ms   heap/tenant active  idle B   tenant pools"
                + "   site db conns   node Threads_connected   API GET ops/s  p50 ms  p99 ms  errors");
        for (Step st : steps) {
            System.out.println(f("%7d  %7d  %13.1f  %6.1f  %6.1f   %18.0f  %6.0f   %5d / %-5d   %6d / %-5d   %10d /"
                    + " %-10d   %13.0f  %6.2f  %6.2f  %6d", st.size(), st.createdSorted().length,
                    BenchKit.pctMs(st.createdSorted(), 50), BenchKit.pctMs(st.createdSorted(), 99),
                    BenchKit.pctMs(st.createdSorted(), 100), (st.heapActive() - heapWarm) / (double) st.size(),
                    (st.heapIdle() - heapWarm) / (double) st.size(), st.poolsAfterGet(), st.poolsIdle(),
                    st.connsAfterGet(), st.connsIdle(), st.dbThreadsAfterGet(), st.dbThreadsIdle(),
                    st.get().opsPerSec(), st.get().p50(), st.get().p99(), st.get().errors()));
        }
        System.out.println(f("created: the tenants that grew the site to that size, each timed (TenantService.create);"
                + " node Threads_connected with no tenant pool open: %d (the site's registry pool and this"
                + " benchmark's 2 admin connections).", dbThreadsWarm));
        for (int k = 1; k < steps.size(); k++) {
            Step a = steps.get(k - 1);
            Step b = steps.get(k);
            System.out.println(f("marginal heap per idle tenant from %d to %d tenants: %.0f bytes (the slope, free of"
                    + " one-time costs)", a.size(), b.size(), (b.heapIdle() - a.heapIdle()) / (double) (b.size()
                    - a.size())));
        }
        System.out.println(f("API GET: %d clients, closed loop, %.0f s measured, each request to a random tenant of that"
                + " size (GET /patients/{id}, its own token); pools and conns above are counted right after it.",
                GET_CLIENTS, getSeconds));
        Map<String, long[]> histW = BenchKit.parseHistogram(Files.readString(histWarm));
        Map<String, long[]> histA = BenchKit.parseHistogram(Files.readString(histActive));
        Map<String, long[]> histIdle = BenchKit.parseHistogram(Files.readString(histIdleFile));
        System.out.println();
        System.out.println(f("Tenant creation (all %d tenants%s)", n, cut ? ", cut by the time budget" : ""));
        System.out.println("what                                          count   p50 ms   p99 ms   max ms   mean ms"
                + "  vs baseline p50");
        double base50 = BenchKit.pctMs(plainSorted, 50);
        creationRow("cusp: TenantService.create, all", cuspSorted, base50);
        creationRow(f("cusp: the same, one at a time (first %d/size)", ALONE),
                aloneAll.stream().mapToLong(Long::longValue).sorted().toArray(), base50);
        creationRow("baseline: CREATE DATABASE/USER + schema SQL", plainSorted, base50);
        creationRow("  (diag) same, Flyway migrate instead of SQL", flywaySorted, base50);
        creationRow("  (diag) one Argon2id hash (Passwords.hash)", argon, base50);
        System.out.println(f("total: %d tenants in %.1f s of wall time (including %d baseline creations)", n,
                creationWallAll, plain.size() + flyway.size()));
        System.out.println();
        System.out.println(f("First use per tenant at the last step (login + POST /patients, 2 threads): p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms", BenchKit.pctMs(top.firstUseSorted(), 50),
                BenchKit.pctMs(top.firstUseSorted(), 99), BenchKit.pctMs(top.firstUseSorted(), 100)));
        System.out.println();
        System.out.println(f("Heap per tenant (N = %d; used heap after System.gc(), relative to the site with one"
                + " warm-up tenant: %.1f MiB; with no tenant at all: %.1f MiB)", n, heapWarm / 1048576.0,
                heapEmpty / 1048576.0));
        System.out.println("state                               heap used MiB   bytes/tenant   open pools   open db"
                + " conns   JVM threads   mariadbd RSS MiB");
        stateRow("warm-up only (baseline)", heapWarm, heapWarm, n, 0, 0, threadsWarm, rssWarm);
        stateRow("active: logged in, pools open", top.heapActive(), heapWarm, n, top.poolsActive(), top.connsActive(),
                top.jvmThreadsActive(), top.rssActive());
        stateRow("idle: pools closed after 10 s", top.heapIdle(), heapWarm, n, top.poolsIdle(), top.connsIdle(),
                top.jvmThreadsIdle(), top.rssIdle());
        System.out.println(f("(counted from the site with no tenant at all instead: active %.0f, idle %.0f bytes/tenant;"
                + " both include ~1 KB/tenant of this benchmark's own bookkeeping: passwords, tokens)",
                (top.heapActive() - heapEmpty) / (double) n, (top.heapIdle() - heapEmpty) / (double) n));
        System.out.println(f("mariadbd data dir: %.1f MiB more for %d tenants + %d baseline databases (%.0f KiB each)",
                (diskIdle - diskWarm) / 1048576.0, n, plain.size() + flyway.size(),
                (diskIdle - diskWarm) / 1024.0 / (n + plain.size() + flyway.size())));
        System.out.println();
        System.out.println("Live instances (class histogram)             warm-up     active       idle");
        for (String cls : WATCH) {
            System.out.println(f("%-44s %8d   %8d   %8d", shortName(cls), count(histW, cls), count(histA, cls),
                    count(histIdle, cls)));
        }
        System.out.println(f("Classes with at least one more live instance per tenant, warm-up to idle (per tenant):"));
        List<String> perTenant = new ArrayList<>(histIdle.keySet().stream()
                .filter(c -> count(histIdle, c) - count(histW, c) >= n).toList());
        perTenant.sort(Comparator.comparingLong(c -> -(bytes(histIdle, c) - bytes(histW, c))));
        for (String cls : perTenant.subList(0, Math.min(12, perTenant.size()))) {
            System.out.println(f("  %8.0f bytes  %6.1f instances  %s", (bytes(histIdle, cls) - bytes(histW, cls))
                    / (double) n, (count(histIdle, cls) - count(histW, cls)) / (double) n, cls));
        }
        System.out.println();
        Step first = steps.get(0);
        System.out.println(f("API GET p99 at %d tenants / p99 at %d tenant(s): %.2f", n, first.size(),
                top.get().p99() / first.get().p99()));
        int exit = 0;
        for (Step st : steps) {
            double idlePer = (st.heapIdle() - heapWarm) / (double) st.size();
            long[] alone = aloneBySize.getOrDefault(st.size(), st.createdSorted());
            double createP99 = BenchKit.pctMs(alone, 99);
            System.out.println(f("target: %4d tenants: heap per idle tenant %.0f bytes (target <= 1 MB = 1048576: %s);"
                    + " creation one at a time p99 %.0f ms, max %.0f ms (target < 1000 ms: %s); all %d creations"
                    + " (%d side by side) p99 %.0f ms", st.size(), idlePer, idlePer <= 1_048_576 ? "met" : "MISSED",
                    createP99, BenchKit.pctMs(alone, 100), createP99 < 1000 ? "met" : "MISSED",
                    st.createdSorted().length, creators, BenchKit.pctMs(st.createdSorted(), 99)));
            if (st.get().errors() > 0) {
                System.out.println("ERRORS in the GET phase at " + st.size() + " tenants: " + st.get().firstError());
                exit = 1;
            }
            if (st.get().ops() == 0) {
                System.out.println("ERROR: the GET phase at " + st.size() + " tenants completed no request");
                exit = 1;
            }
            if (st.poolsIdle() > 0) {
                System.out.println(f("NOTE: %d tenant pools were still open after %.0f s without requests",
                        st.poolsIdle(), st.idleWait()));
            }
        }
        return exit;
    }

    /** The node's Threads_connected: every open client connection, the site's and anyone else's. */
    private static long threadsConnected(Connection admin) throws java.sql.SQLException {
        try (Statement s = admin.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_connected'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static void creationRow(String what, long[] sorted, double base50) {
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e6;
        System.out.println(f("%-44s %6d  %7.1f  %7.1f  %7.1f  %8.1f  %6.2f", what, sorted.length,
                BenchKit.pctMs(sorted, 50), BenchKit.pctMs(sorted, 99), BenchKit.pctMs(sorted, 100), mean,
                BenchKit.pctMs(sorted, 50) / base50));
    }

    private static void stateRow(String state, long heap, long heapWarm, int n, int pools, int conns, int threads,
                                 long rssKib) {
        System.out.println(f("%-35s %13.1f   %12.0f   %10d   %13d   %11d   %16.1f", state, heap / 1048576.0,
                (heap - heapWarm) / (double) n, pools, conns, threads, rssKib / 1024.0));
    }

    private static Path saveHistogram(Site site, String label) throws IOException {
        Path file = site.home().dir().resolve("bench-histogram-" + label + ".txt");
        Files.writeString(file, BenchKit.classHistogramText());
        return file;
    }

    private static long count(Map<String, long[]> h, String cls) {
        long[] v = h.get(cls);
        return v == null ? 0 : v[0];
    }

    private static long bytes(Map<String, long[]> h, String cls) {
        long[] v = h.get(cls);
        return v == null ? 0 : v[1];
    }

    private static String shortName(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    /** Login as the tenant's first admin, then one POST /patients; returns the nanoseconds both took. */
    private static long firstUse(Site site, HttpClient http, Made m) throws Exception {
        long a = System.nanoTime();
        TenantService.Created c = m.created();
        String name = c.tenant().name();
        m.token()[0] = BenchKit.login(http, site.url(), name, c.adminUser(), c.adminPassword());
        BenchKit.Reply r = BenchKit.call(http, "POST", site.url() + "/api/v1/t/" + name + "/patients", m.token()[0],
                "{\"last_name\":\"Density\",\"first_name\":\"" + name + "\"}");
        check(r.status() == 201, "POST /patients on " + name + ": HTTP " + r.status() + " " + r.body());
        m.patient()[0] = BenchKit.idOf(r.body());
        check(m.patient()[0] > 0, "POST /patients on " + name + ": no id in " + r.body());
        return System.nanoTime() - a;
    }

    private static boolean getPatient(HttpClient http, Site site, Made m) throws Exception {
        String name = m.created().tenant().name();
        HttpRequest req = HttpRequest.newBuilder(URI.create(site.url() + "/api/v1/t/" + name + "/patients/"
                + m.patient()[0])).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + m.token()[0])
                .GET().build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("GET on " + name + ": HTTP " + res.statusCode() + " " + res.body());
        }
        return BenchKit.idOf(res.body()) == m.patient()[0];
    }

    private BenchKit.Result getPhase(String label, Site site, List<Made> tenants, long dbPid) throws Exception {
        javax.net.ssl.SSLContext tls = BenchKit.tls(site.home());
        List<RawHttps> conns = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            BenchKit.Result r = BenchKit.run("read", label, "-", GET_CLIENTS, getWarmup, getSeconds, dbPid, client -> {
                RawHttps h = new RawHttps(tls, site.url());
                conns.add(h);
                return rnd -> {
                    Made m = tenants.get(rnd.nextInt(tenants.size()));
                    String name = m.created().tenant().name();
                    BenchKit.Reply res = h.get("/api/v1/t/" + name + "/patients/" + m.patient()[0],
                            "Bearer " + m.token()[0]);
                    if (res.status() != 200) {
                        throw new IllegalStateException("GET on " + name + ": HTTP " + res.status() + " " + res.body());
                    }
                    return BenchKit.idOf(res.body()) == m.patient()[0];
                };
            });
            System.out.println(f("   GET spread over %s: %.0f ops/s, p99 %.2f ms, %.2f db statements per request; now"
                    + " %d open pools, %d open connections", label, r.opsPerSec(), r.p99(), r.stmtsPerOp(),
                    site.pools().openPools(), site.pools().openConnections()));
            return r;
        } finally {
            conns.forEach(RawHttps::close);
        }
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface IndexTask {
        void run(int i) throws Exception;
    }

    /** Runs task(0..n-1) on {@code threads} threads; fails on the first error. */
    private static void parallel(int threads, int n, IndexTask task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(ex.submit(() -> {
                    int i;
                    while (errors.isEmpty() && (i = next.getAndIncrement()) < n) {
                        try {
                            task.run(i);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                }));
            }
            for (Future<?> fu : fs) {
                fu.get();
            }
        } finally {
            ex.shutdownNow();
        }
        if (!errors.isEmpty()) {
            Throwable e = errors.peek();
            throw e instanceof Exception x ? x : new IllegalStateException(e);
        }
    }

    private static long diskBytes(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
