package dev.cusp.bench;

import dev.cusp.bench.GroupKit.Member;
import dev.cusp.tenant.TenantService;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The replication benchmark's three write paths at site a, one connection per writer thread:
 * {@code jdbc} (a single-row INSERT, the plain-replication baseline), {@code jdbctx} (the API's
 * transaction over JDBC) and {@code api} ({@code POST /patients} over HTTPS). Each path's
 * writers are opened at first use and kept until {@link #close}, as clients keep their
 * connections and sessions: every window measures writes, not 16 TLS handshakes and a few
 * password checks, whose CPU and JIT compilations otherwise ran into the windows.
 */
final class ReplicationWriters implements AutoCloseable {
    /** One write of the k-th row of a phase; false or an exception when it failed. */
    interface Writer extends AutoCloseable {
        boolean write(int thread, String tag, long k) throws Exception;

        /**
         * Closes the writers' HTTPS connections so that the next writes open new ones (TLS
         * handshakes), as they do after sitting idle past the site's keep-alive; JDBC writers
         * keep theirs.
         */
        default void reconnect() {
        }

        @Override
        void close();
    }

    private final Member a;
    private final TenantService.Created tenant;
    private final int writers;
    private final int writersPerToken;
    private final java.util.Map<String, Writer> kept = new java.util.HashMap<>();

    ReplicationWriters(Member a, TenantService.Created tenant, int writers, int writersPerToken) {
        this.a = a;
        this.tenant = tenant;
        this.writers = writers;
        this.writersPerToken = writersPerToken;
    }

    /** The path's writers, opened on first use. */
    Writer of(String mode) throws Exception {
        Writer w = kept.get(mode);
        if (w == null) {
            w = switch (mode) {
                case "jdbc" -> insertWriter();
                case "jdbctx" -> txShapedWriter();
                default -> apiWriter();
            };
            kept.put(mode, w);
        }
        return w;
    }

    @Override
    public void close() {
        kept.values().forEach(Writer::close);
        kept.clear();
    }

    private Connection[] connections(boolean autocommit) throws SQLException {
        // The practice's own account requires TLS: the site's own address for it, verified.
        String url = a.site().tenants().jdbc().url(tenant.tenant().dbName()) + "&socketTimeout=60000";
        Connection[] cs = new Connection[writers];
        for (int i = 0; i < writers; i++) {
            cs[i] = DriverManager.getConnection(url, tenant.tenant().dbUser(), tenant.dbPassword());
            cs[i].setAutoCommit(autocommit);
        }
        return cs;
    }

    private static void closeAll(Connection[] cs) {
        for (Connection c : cs) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    private Writer insertWriter() throws SQLException {
        Connection[] cs = connections(true);
        PreparedStatement[] ps = new PreparedStatement[writers];
        for (int i = 0; i < writers; i++) {
            ps[i] = cs[i].prepareStatement("INSERT INTO patient (last_name, first_name) VALUES (?, ?)");
        }
        return new Writer() {
            @Override
            public boolean write(int thread, String tag, long k) throws Exception {
                ps[thread].setString(1, tag);
                ps[thread].setString(2, ReplicationBench.seqText(k));
                return ps[thread].executeUpdate() == 1;
            }

            @Override
            public void close() {
                closeAll(cs);
            }
        };
    }

    /**
     * The API's transaction over plain JDBC: the patient row and its security_log row in one
     * transaction, as {@code POST /patients} writes them, without HTTP, JSON or the read-back.
     * It tells the replication cost of the API's transaction shape from the API's own cost.
     */
    private Writer txShapedWriter() throws SQLException {
        Connection[] cs = connections(false);
        PreparedStatement[] ps = new PreparedStatement[writers];
        PreparedStatement[] logs = new PreparedStatement[writers];
        for (int i = 0; i < writers; i++) {
            ps[i] = cs[i].prepareStatement("INSERT INTO patient (last_name, first_name) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS);
            logs[i] = cs[i].prepareStatement("INSERT INTO security_log (user_name, site, action, entity, entity_id,"
                    + " details) VALUES (?, 'a', 'create', 'patient', ?, 'fields: last_name, first_name')");
        }
        return new Writer() {
            @Override
            public boolean write(int thread, String tag, long k) throws Exception {
                ps[thread].setString(1, tag);
                ps[thread].setString(2, ReplicationBench.seqText(k));
                ps[thread].executeUpdate();
                long id;
                try (ResultSet keys = ps[thread].getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                logs[thread].setString(1, tenant.adminUser());
                logs[thread].setLong(2, id);
                logs[thread].executeUpdate();
                cs[thread].commit();
                return true;
            }

            @Override
            public void close() {
                closeAll(cs);
            }
        };
    }

    /**
     * One keep-alive TLS connection per writer thread through the bench's own blocking client
     * (as the api benchmark's rows): the JDK's HttpClient spent more CPU per request than the
     * site's own write path, on the cores both sites share with it. One login per few writers.
     */
    private Writer apiWriter() throws Exception {
        int tokensNeeded = (writers + writersPerToken - 1) / writersPerToken;
        String[] tokens = new String[tokensNeeded];
        try (HttpClient login = BenchKit.client(a.site().home())) {
            for (int i = 0; i < tokensNeeded; i++) {
                tokens[i] = "Bearer " + BenchKit.login(login, a.url(), tenant.tenant().name(), tenant.adminUser(),
                        tenant.adminPassword());
            }
        }
        javax.net.ssl.SSLContext tls = BenchKit.tls(a.site().home());
        RawHttps[] https = new RawHttps[writers];
        for (int i = 0; i < writers; i++) {
            https[i] = new RawHttps(tls, a.url());
        }
        String path = "/api/v1/t/" + tenant.tenant().name() + "/patients";
        return new Writer() {
            @Override
            public boolean write(int thread, String tag, long k) throws Exception {
                BenchKit.Reply r = https[thread].post(path, tokens[thread / writersPerToken],
                        "{\"last_name\":\"" + tag + "\",\"first_name\":\"" + ReplicationBench.seqText(k) + "\"}");
                if (r.status() != 201) {
                    throw new IllegalStateException("HTTP " + r.status() + " " + r.body());
                }
                return true;
            }

            @Override
            public void reconnect() {
                close(); // each RawHttps connects again on its next request
            }

            @Override
            public void close() {
                for (RawHttps h : https) {
                    h.close();
                }
            }
        };
    }
}
