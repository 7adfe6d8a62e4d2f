package dev.cusp.bench;

import static dev.cusp.bench.BenchKit.check;
import static dev.cusp.bench.BenchKit.f;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.Site;
import dev.cusp.site.Settings;
import dev.cusp.tenant.TenantService;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Issue 2: "single-row API reads and writes per second and p50/p99 latency at 50 concurrent
 * clients, next to the same queries over direct JDBC" (targets: API >= 60% of direct-JDBC
 * throughput, API p99 < 20 ms); issue 6 asks for the same at 10, 50 and 200 clients.
 *
 * <p>For reads, then writes, at each client count (default 10, 50, 200):
 * <ol>
 * <li>{@code jdbc (baseline)}: the same single statement over direct JDBC, one connection per
 * client (HikariCP), as the tenant's database user;</li>
 * <li>{@code api}: the HTTPS route itself (HTTP/1.1 keep-alive, bearer token), on the site's
 * tenant pool (pool.max connections).</li>
 * </ol>
 * At 50 clients, diagnostics follow: {@code jdbc} with as many connections as the API's tenant
 * pool (the pool effect), {@code jdbc tx-shaped} (the route's statements and transaction over
 * plain JDBC: the transaction effect), {@code GET /health} (the HTTPS floor) and paced rows.
 * The load generator runs in the same JVM as the site and mariadbd on the same machine: they
 * all share the cores.
 */
public final class ApiBench {
    static final int CLIENTS = 50;
    /** Clients sharing one login token (one session): 10 sessions in all. */
    static final int CLIENTS_PER_TOKEN = 5;
    static final int SEED_PATIENTS = 10_000;

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        Path home = null;
        int exit = 0;
        try {
            home = BenchKit.newHome("api");
            exit = new ApiBench(quick).run(home);
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
    private final double warmup;
    private final double measure;
    private final double jitWarmup;
    private final int[] poolSizes;
    private final int[] clientCounts;
    private final List<String> ops;
    private final int defaultPool = Settings.POOL_MAX.parser().apply(Settings.POOL_MAX.defaultValue());

    ApiBench(boolean quick) {
        this.quick = quick;
        this.warmup = Double.parseDouble(System.getProperty("bench.warmup", quick ? "1" : "4"));
        this.measure = Double.parseDouble(System.getProperty("bench.seconds", quick ? "3" : "10"));
        this.jitWarmup = Double.parseDouble(System.getProperty("bench.jit.warmup", quick ? "2" : "20"));
        // Other pool sizes (e.g. -Dbench.pools=16,4) add the 50-client rows once more per size.
        String pools = System.getProperty("bench.pools", Integer.toString(defaultPool));
        this.poolSizes = java.util.Arrays.stream(pools.split(",")).mapToInt(Integer::parseInt).toArray();
        this.clientCounts = java.util.Arrays.stream(System.getProperty("bench.clients", "10,50,200").split(","))
                .mapToInt(Integer::parseInt).toArray();
        // -Dbench.ops=read (or write) runs one half only: a shorter loop while working on one path.
        this.ops = List.of(System.getProperty("bench.ops", "read,write").split(","));
        for (String op : ops) {
            if (!op.equals("read") && !op.equals("write")) {
                throw new IllegalArgumentException("bench.ops: 'read', 'write' or 'read,write', not '" + op + "'");
            }
        }
    }

    int run(Path home) throws Exception {
        System.out.println("== Cusp benchmark: api (" + (quick ? "quick" : "full") + ") ==");
        System.out.println("date:    " + BenchKit.now());
        System.out.println("machine: " + BenchKit.machine());
        System.out.println(f("load:    %s concurrent clients, closed loop (no think time), warm-up %.0f s then %.0f s"
                + " measured per row; %d patients seeded", java.util.Arrays.toString(clientCounts), warmup, measure,
                SEED_PATIENTS));
        System.out.println(f("         before the first row, %.0f s of API reads and %.0f s of API writes at %d clients"
                + " warm the JIT (the API path needs ~25 s of load to reach steady state on 2 cores)", jitWarmup,
                jitWarmup / 2, CLIENTS));
        System.out.println("         API clients: one HTTP/1.1 keep-alive TLS connection per client thread (the bench's"
                + " own blocking client, RawHttps), one login token per " + CLIENTS_PER_TOKEN + " threads");
        System.out.println("NOTE:    the load generator, the site (Javalin, HikariCP) and mariadbd all share this"
                + " machine's cores;");
        System.out.println("         cpu columns: cores used by load-generator threads (gen), the rest of the JVM"
                + " (srv), mariadbd (db), and every other process on the machine (other: noise).");
        System.out.println(f("         load average at start: %.2f", BenchKit.loadAverage()));
        System.out.println();

        List<BenchKit.Result> all = new ArrayList<>();
        TenantService.Created tenant = null;
        long[] ids = null;
        for (int p = 0; p < poolSizes.length; p++) {
            int pool = poolSizes[p];
            long t0 = System.nanoTime();
            Site site = BenchKit.startSite(home, Map.of("port", "0", "pool.max", Integer.toString(pool)));
            try (Connection counter = BenchKit.countStatementsOf(site)) {
                System.out.println(f("-- site started with pool.max=%d in %.1f s (%s)", pool,
                        (System.nanoTime() - t0) / 1e9, site.url()));
                long dbPid = BenchKit.mariadbPid(site);
                if (tenant == null) {
                    tenant = site.tenants().create("bench1", 1);
                    ids = seed(site, tenant);
                    long w0 = System.nanoTime();
                    for (String op : ops) {
                        BenchKit.Result w = api(op, pool, CLIENTS, site, tenant, ids, dbPid,
                                op.equals("read") ? jitWarmup : jitWarmup / 2, 0.5, 0);
                        check(w.errors() == 0, "warm-up " + op + ": " + w.errors() + " errors, first: "
                                + w.firstError());
                    }
                    System.out.println(f("-- JIT warm-up done in %.0f s", (System.nanoTime() - w0) / 1e9));
                }
                // The practice's own account, over TLS as the site's tenant pools connect (the
                // account requires it).
                String jdbcUrl = site.tenants().jdbc().url(tenant.tenant().dbName());
                Rows rows = new Rows(site, tenant, ids, jdbcUrl, dbPid, pool);
                for (String op : ops) {
                    if (p == 0) {
                        // Each API row right after its baseline at the same client count: both see
                        // about the same noise from the rest of the machine.
                        for (int clients : clientCounts) {
                            all.add(rows.jdbc(op, false, clients, clients, 0));
                            BenchKit.Result closed = rows.api(op, clients, 0);
                            all.add(closed);
                            if (clients == CLIENTS) {
                                all.addAll(details(rows, op, closed, true));
                            }
                        }
                    } else {
                        all.add(rows.api(op, CLIENTS, 0));
                        all.addAll(details(rows, op, null, false));
                    }
                    System.out.println(f("   %s with pool.max=%d done; site status: %d open tenant pools, %d open"
                            + " tenant connections", op, pool, site.pools().openPools(),
                            site.pools().openConnections()));
                }
            } finally {
                BenchKit.dbStatements = null;
                site.close();
            }
        }
        return report(all);
    }

    /**
     * The 50-client diagnostics (issue 2's point): JDBC on as many connections as the API's
     * pool, the API's transaction over plain JDBC, the HTTPS floor, and paced rows.
     */
    private List<BenchKit.Result> details(Rows rows, String op, BenchKit.Result closed, boolean full)
            throws Exception {
        List<BenchKit.Result> out = new ArrayList<>();
        out.add(rows.jdbc(op, false, CLIENTS, rows.pool, 0));
        out.add(rows.jdbc(op, true, CLIENTS, rows.pool, 0));
        if (full && op.equals("read")) {
            out.add(progress(health(rows.site, rows.dbPid)));
        }
        if (full) {
            // The same 50 clients paced at half the API's closed-loop rate: latency under a load
            // the site can carry, for the API and for the baseline.
            double rate = Math.max(10, Math.round(closed.opsPerSec() / 2));
            out.add(rows.jdbc(op, false, CLIENTS, CLIENTS, rate));
            out.add(rows.api(op, CLIENTS, rate));
        }
        return out;
    }

    /** One site's rows: what they share. */
    private final class Rows {
        final Site site;
        final TenantService.Created tenant;
        final long[] ids;
        final String jdbcUrl;
        final long dbPid;
        final int pool;

        Rows(Site site, TenantService.Created tenant, long[] ids, String jdbcUrl, long dbPid, int pool) {
            this.site = site;
            this.tenant = tenant;
            this.ids = ids;
            this.jdbcUrl = jdbcUrl;
            this.dbPid = dbPid;
            this.pool = pool;
        }

        BenchKit.Result jdbc(String op, boolean txShaped, int clients, int conns, double rate) throws Exception {
            return progress(ApiBench.this.jdbc(op, txShaped, clients, conns, jdbcUrl, tenant, ids, dbPid, rate));
        }

        BenchKit.Result api(String op, int clients, double rate) throws Exception {
            return progress(ApiBench.this.api(op, pool, clients, site, tenant, ids, dbPid, warmup, measure, rate));
        }
    }

    /** Seeds patients directly over JDBC as the tenant's user; returns their ids. */
    private long[] seed(Site site, TenantService.Created t) throws Exception {
        long t0 = System.nanoTime();
        String url = site.tenants().jdbc().url(t.tenant().dbName());
        try (Connection c = java.sql.DriverManager.getConnection(url, t.tenant().dbUser(), t.dbPassword())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO patient (last_name, first_name, birth_date,"
                    + " email, city) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= SEED_PATIENTS; i++) {
                    ps.setString(1, "Seedling" + (i % 997));
                    ps.setString(2, "Pat" + i);
                    ps.setDate(3, java.sql.Date.valueOf(java.time.LocalDate.of(1950 + i % 60, 1 + i % 12,
                            1 + i % 28)));
                    ps.setString(4, "pat" + i + "@example.org");
                    ps.setString(5, "Springfield");
                    ps.addBatch();
                    if (i % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            List<Long> ids = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM patient")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            check(ids.size() == SEED_PATIENTS, "seeded " + ids.size() + " patients, wanted " + SEED_PATIENTS);
            System.out.println(f("-- tenant %s created, %d patients seeded over JDBC in %.1f s", t.tenant().name(),
                    ids.size(), (System.nanoTime() - t0) / 1e9));
            return ids.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private BenchKit.Result jdbc(String op, boolean txShaped, int clients, int conns, String url,
                                 TenantService.Created t, long[] ids, long dbPid, double rate) throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("bench-jdbc-" + conns);
        hc.setJdbcUrl(url);
        hc.setUsername(t.tenant().dbUser());
        hc.setPassword(t.dbPassword());
        hc.setMaximumPoolSize(conns);
        hc.setMinimumIdle(conns);
        hc.setConnectionTimeout(30_000);
        // As the tenant pools are configured (TenantPools.create).
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hc.addDataSourceProperty("cachePrepStmts", "true");
        String mode = (conns == clients && !txShaped ? "jdbc (baseline)" : txShaped ? "jdbc tx-shaped" : "jdbc")
                + paced(rate);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            BenchKit.Result r = BenchKit.run(op, mode, Integer.toString(conns), clients, warmup, measure, dbPid, rate,
                    client -> op.equals("read")
                            ? rnd -> jdbcRead(ds, txShaped, ids[rnd.nextInt(ids.length)])
                            : new BenchKit.Op() {
                                long n;

                                @Override
                                public boolean run(java.util.concurrent.ThreadLocalRandom rnd) throws Exception {
                                    return jdbcWrite(ds, txShaped, "J" + client + "-" + (n++));
                                }
                            });
            return r;
        }
    }

    private static boolean jdbcRead(HikariDataSource ds, boolean tx, long id) throws Exception {
        try (Connection c = ds.getConnection()) {
            if (tx) {
                begin(c);
            }
            boolean found;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM patient WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    found = rs.next();
                    if (found) {
                        int n = rs.getMetaData().getColumnCount();
                        for (int i = 1; i <= n; i++) {
                            rs.getObject(i);
                        }
                    }
                }
            }
            if (tx) {
                c.commit();
            }
            return found;
        }
    }

    /** As the API's transactions begin (PracticeRoutes.tx): explicitly, on a connection left in autocommit. */
    private static void begin(Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
        }
    }

    /**
     * Plain: the single autocommit INSERT. Tx-shaped: what {@code POST /patients} does
     * (Records.create): START TRANSACTION, INSERT ... RETURNING * (the stored row), a security_log
     * row, COMMIT.
     */
    private static boolean jdbcWrite(HikariDataSource ds, boolean tx, String first) throws Exception {
        try (Connection c = ds.getConnection()) {
            if (!tx) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO patient (last_name, first_name) VALUES (?, ?)")) {
                    ps.setString(1, "Benchmark");
                    ps.setString(2, first);
                    return ps.executeUpdate() == 1;
                }
            }
            begin(c);
            try {
                long id;
                boolean found;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO patient (last_name, first_name)"
                        + " VALUES (?, ?) RETURNING *")) {
                    ps.setString(1, "Benchmark");
                    ps.setString(2, first);
                    try (ResultSet rs = ps.executeQuery()) {
                        found = rs.next();
                        id = found ? rs.getLong("id") : -1;
                        if (found) {
                            int n = rs.getMetaData().getColumnCount();
                            for (int i = 1; i <= n; i++) {
                                rs.getObject(i);
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO security_log (user_name, site, action,"
                        + " entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, "admin");
                    ps.setString(2, "site1");
                    ps.setString(3, "create");
                    ps.setString(4, "patient");
                    ps.setLong(5, id);
                    ps.setString(6, "fields: last_name, first_name");
                    ps.executeUpdate();
                }
                c.commit();
                return found;
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    private BenchKit.Result api(String op, int pool, int clients, Site site, TenantService.Created t, long[] ids,
                                long dbPid, double warmupS, double measureS, double rate) throws Exception {
        String base = "/api/v1/t/" + t.tenant().name() + "/patients";
        int nTokens = (clients + CLIENTS_PER_TOKEN - 1) / CLIENTS_PER_TOKEN;
        String[] tokens = new String[nTokens];
        try (HttpClient login = BenchKit.client(site.home())) {
            for (int i = 0; i < nTokens; i++) {
                tokens[i] = BenchKit.login(login, site.url(), t.tenant().name(), t.adminUser(), t.adminPassword());
            }
        }
        SSLContext tls = BenchKit.tls(site.home());
        List<RawHttps> conns = new ArrayList<>();
        String mode = (op.equals("read") ? "api GET /patients/{id}" : "api POST /patients") + paced(rate);
        try {
            return BenchKit.run(op, mode, Integer.toString(pool), clients, warmupS, measureS, dbPid, rate, client -> {
                RawHttps h = new RawHttps(tls, site.url());
                conns.add(h);
                String auth = "Bearer " + tokens[client / CLIENTS_PER_TOKEN];
                if (op.equals("read")) {
                    return rnd -> {
                        long id = ids[rnd.nextInt(ids.length)];
                        BenchKit.Reply res = h.get(base + "/" + id, auth);
                        if (res.status() != 200) {
                            throw new IllegalStateException("HTTP " + res.status() + " " + res.body());
                        }
                        return BenchKit.idOf(res.body()) == id;
                    };
                }
                return new BenchKit.Op() {
                    long n;

                    @Override
                    public boolean run(java.util.concurrent.ThreadLocalRandom rnd) throws Exception {
                        String json = "{\"last_name\":\"Benchmark\",\"first_name\":\"A" + client + "-" + (n++)
                                + "\"}";
                        BenchKit.Reply res = h.post(base, auth, json);
                        if (res.status() != 201) {
                            throw new IllegalStateException("HTTP " + res.status() + " " + res.body());
                        }
                        return BenchKit.idOf(res.body()) > 0;
                    }
                };
            });
        } finally {
            conns.forEach(RawHttps::close);
        }
    }

    private BenchKit.Result health(Site site, long dbPid) throws Exception {
        SSLContext tls = BenchKit.tls(site.home());
        List<RawHttps> conns = new ArrayList<>();
        try {
            return BenchKit.run("read", "api GET /health (no auth, no db)", "-", CLIENTS, warmup, measure, dbPid,
                    client -> {
                        RawHttps h = new RawHttps(tls, site.url());
                        conns.add(h);
                        return rnd -> {
                            BenchKit.Reply res = h.get("/api/v1/health", null);
                            return res.status() == 200 && res.body().contains("ok");
                        };
                    });
        } finally {
            conns.forEach(RawHttps::close);
        }
    }

    private static String paced(double rate) {
        return rate > 0 ? f(" @%.0f/s", rate) : "";
    }

    private static BenchKit.Result progress(BenchKit.Result r) {
        System.out.println(f("   %-5s %3d clients %-31s conns %-3s %7.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  other cpu"
                + " %.2f  load %.1f", r.op(), r.clients(), r.mode(), r.conns(), r.opsPerSec(), r.p50(), r.p99(), r.errors(),
                r.otherCores(), BenchKit.loadAverage()));
        return r;
    }

    private int report(List<BenchKit.Result> rows) {
        System.out.println();
        System.out.println("op     clients  mode                             pool.max  db conns      ops/s   p50 ms   p99 ms"
                + "   max ms   cpu us/op: gen   srv    db  other  stmts/op  vs baseline");
        List<String> verdicts = new ArrayList<>();
        for (String op : ops) {
            for (int clients : clientCounts) {
                BenchKit.Result base = rows.stream().filter(r -> r.op().equals(op) && r.clients() == clients
                        && r.mode().equals("jdbc (baseline)")).findFirst().orElse(null);
                for (BenchKit.Result r : rows) {
                    if (!r.op().equals(op) || r.clients() != clients) {
                        continue;
                    }
                    boolean isApi = r.mode().startsWith("api");
                    boolean isPaced = r.mode().contains("@");
                    boolean isFloor = r.mode().contains("/health");
                    String poolMax = r.mode().startsWith("jdbc (baseline)") ? "-" : r.conns();
                    String dbConns = isFloor ? "0" : isApi ? "<=" + r.conns() : r.conns();
                    double perOp = 1e6 / r.opsPerSec(); // microseconds of one core per operation, per core used
                    System.out.println(f("%-6s %7d  %-32s %8s  %8s  %9.0f  %7.2f  %7.2f  %7.1f        %5.0f %5.0f"
                            + " %5.0f  %5.2f  %8.2f  %s", r.op(), r.clients(), r.mode(), poolMax, dbConns,
                            r.opsPerSec(), r.p50(), r.p99(), r.max(), r.genCores() * perOp, r.srvCores() * perOp,
                            r.dbCores() * perOp, Math.max(0, r.otherCores()), r.stmtsPerOp(), isPaced ? "  (paced)"
                            : base == null ? "    -" : f("%5.2f", r.opsPerSec() / base.opsPerSec())));
                    if (isApi && !isPaced && !isFloor && base != null) {
                        double ratio = r.opsPerSec() / base.opsPerSec();
                        boolean headline = clients == CLIENTS && Integer.parseInt(r.conns()) == defaultPool;
                        verdicts.add(f("%-5s %3d clients pool.max=%-3s API/JDBC throughput %.2f (JDBC %.0f ops/s, API"
                                + " %.0f ops/s; target >= 0.60: %s), API p50 %.2f ms, p99 %.2f ms (target < 20 ms:"
                                + " %s)%s", op, clients, r.conns(), ratio, base.opsPerSec(), r.opsPerSec(),
                                ratio >= 0.60 ? "met" : "MISSED", r.p50(), r.p99(), r.p99() < 20 ? "met" : "MISSED",
                                headline ? "   <- issue 2's point (50 clients, default pool.max)" : ""));
                    }
                }
            }
        }
        System.out.println();
        System.out.println("Closed loop unless '@rate' (paced: " + CLIENTS + " clients together at that rate, half the"
                + " API's closed-loop rate; latency from when each request was due).");
        System.out.println("cpu us/op: CPU microseconds per operation spent by the load generator (gen), the rest of"
                + " the JVM, i.e. the site (srv), mariadbd (db); other: cores used by all other processes (noise).");
        System.out.println("vs baseline: ops/s of the row divided by ops/s of 'jdbc (baseline)' with the same number of"
                + " clients (one connection per client, closed loop).");
        System.out.println("stmts/op: statements mariadbd received per operation (its Questions counter; includes"
                + " autocommit/commit statements and the site's own registry reads).");
        System.out.println(f("load average at end: %.2f; the machine has %d cores.", BenchKit.loadAverage(),
                Runtime.getRuntime().availableProcessors()));
        System.out.println("targets (issue 2, stated for 50 clients; the other client counts are issue 6's points):");
        verdicts.forEach(v -> System.out.println("target: " + v));
        long errors = 0;
        for (BenchKit.Result r : rows) {
            if (r.errors() > 0) {
                System.out.println(f("ERRORS: %s %d clients %s: %d errors, first: %s", r.op(), r.clients(), r.mode(),
                        r.errors(), r.firstError()));
                errors += r.errors();
            }
            if (r.ops() == 0) {
                System.out.println(f("ERROR: %s %d clients %s completed no operation", r.op(), r.clients(),
                        r.mode()));
                errors++;
            }
        }
        return errors == 0 ? 0 : 1;
    }
}
