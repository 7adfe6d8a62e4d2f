package dev.cusp.group;

import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.adminToken;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static dev.cusp.group.GroupSites.login;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeTools;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.LegacyBackups;
import dev.cusp.tenant.PracticeAccounts;
import dev.cusp.tenant.TenantService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.LoggerFactory;

/**
 * What a practice's database account can reach, in a group of two real peers, with the real
 * {@code mariadb} client: only over TLS, never its backups (whose names are local to each
 * site: a statement on them would stop the peer's applier), and no secret any test step made
 * is in a binary log, a relay log, the site log or the practice's security log.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PracticeReachIT {
    static TestSite a;
    static TestSite b;
    static TenantService.Created t;
    static final ListAppender<ILoggingEvent> SITE_LOG = new ListAppender<>();
    /** Every secret the tests made, by what it is. */
    static final Map<String, String> SECRETS = new LinkedHashMap<>();

    @BeforeAll
    static void twoPeersAndAPractice() throws Exception {
        SITE_LOG.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .addAppender(SITE_LOG);
        a = TestSite.start("reach-a", Map.of("site.name", "a"));
        b = TestSite.start("reach-b", Map.of("site.name", "b"));
        String joinToken = invite(a, "peer");
        SECRETS.put("join token", joinToken);
        SECRETS.put("join secret", JoinToken.decode(joinToken).secret());
        assertThat(join(b, joinToken, false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        t = a.newTenant("reach");
        SECRETS.put("practice database password", t.dbPassword());
        SECRETS.put("practice admin password", t.adminPassword());
        SECRETS.put("site admin token a", adminToken(a));
        SECRETS.put("site admin token b", adminToken(b));
        awaitConverged(a, b);
    }

    @AfterAll
    static void stop() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .detachAppender(SITE_LOG);
        GroupSites.closeAll(b, a);
    }

    @Test
    @Order(1)
    void thePracticeAccountConnectsOnlyOverTlsAtEverySite() throws Exception {
        for (TestSite s : List.of(a, b)) {
            String site = s.site.group().siteName();
            TestSite.ClientResult clear = client(s, t, "--ssl=0", "SELECT 1");
            assertThat(clear.exit()).as("without TLS at " + site + ": " + clear.output()).isNotZero();
            assertThat(clear.output()).contains("1045");
            TestSite.ClientResult verified = client(s, t, "--ssl-ca=" + s.site.home().tls().caCert(),
                    "SHOW SESSION STATUS LIKE 'Ssl_version'", "--ssl-verify-server-cert");
            assertThat(verified.exit()).as(verified.output()).isZero();
            assertThat(verified.output()).contains("TLSv1.");
            try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT user, ssl_type FROM mysql.user WHERE user LIKE 'od\\_%'"
                         + " OR user LIKE 'repl\\_%'")) {
                int n = 0;
                while (rs.next()) {
                    assertThat(rs.getString(2)).as(rs.getString(1) + " at " + site).isEqualTo("ANY");
                    n++;
                }
                assertThat(n).as("practice accounts (2 hosts) and a replication account at " + site)
                        .isGreaterThanOrEqualTo(3);
            }
        }
    }

    @Test
    @Order(2)
    void anAccountMadeBeforeTlsWasRequiredRequiresItAfterTheStartStep() throws Exception {
        TenantService.Created old = a.newTenant("oldacct");
        try (Connection c = a.site.node().adminConnection(); Statement st = c.createStatement()) {
            // As an older version made it: no TLS required (on this node only).
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("ALTER USER '" + old.tenant().dbUser() + "'@'127.0.0.1' REQUIRE NONE");
        }
        TestSite.ClientResult before = client(a, old, "--ssl=0", "SELECT 1");
        assertThat(before.exit()).as("the old account: " + before.output()).isZero();
        assertThat(PracticeAccounts.requireTls(adminDs(a))).isEqualTo(1);
        TestSite.ClientResult clear = client(a, old, "--ssl=0", "SELECT 1");
        assertThat(clear.exit()).as(clear.output()).isNotZero();
        assertThat(PracticeAccounts.requireTls(adminDs(a))).as("nothing left to change").isZero();
    }

    @Test
    @Order(3)
    void thePracticeCannotReachItsBackupsAndReplicationStaysHealthy() throws Exception {
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/backup", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String bak = r.json().path("database").asText();
        assertThat(bak).startsWith("bak_" + t.tenant().name() + "_" + t.tenant().id() + "_");
        assertThat(GroupSites.count(a, "SELECT COUNT(*) FROM `" + bak + "`.procedure_code")).isGreaterThan(40);

        // The old name (od_..._bak_...) was inside the practice's grant: it could drop it here,
        // and the DROP replicated to b, which has no such database, and stopped b's applier.
        String own = t.tenant().dbName();
        TestSite.ClientResult list = practice(a, "SHOW DATABASES");
        assertThat(list.output()).contains(own).doesNotContain(bak);
        assertThat(practice(a, "DROP DATABASE `" + bak + "`").output()).contains("1044");
        assertThat(practice(a, "USE `" + bak + "`").output()).contains("1044");
        assertThat(practice(a, "CREATE TABLE `" + bak + "`.x (i INT)").output()).contains("1142");
        assertThat(practice(a, "INSERT INTO `" + bak + "`.procedure_code (code) VALUES ('X')").output())
                .contains("1142");

        // A backup an older version left under the old name moves out of reach, here only.
        String legacy = own + "_bak_20200101_000000";
        try (Connection c = a.site.node().adminConnection(); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("CREATE DATABASE `" + legacy + "`");
            st.execute("CREATE TABLE `" + legacy + "`.kept (i INT) SELECT 7 AS i");
        }
        assertThat(practice(a, "SELECT i FROM `" + legacy + "`.kept").output().trim()).isEqualTo("7");
        List<String> moved = LegacyBackups.moveAll(adminDs(a), new NodeTools(a.site.node().config()));
        String renamed = "bak_" + t.tenant().name() + "_" + t.tenant().id() + "_20200101_000000";
        assertThat(moved).containsExactly(renamed);
        assertThat(GroupSites.count(a, "SELECT i FROM `" + renamed + "`.kept")).isEqualTo(7);
        assertThat(GroupSites.count(a, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                + legacy + "'")).isZero();
        assertThat(practice(a, "SELECT i FROM `" + renamed + "`.kept").output()).contains("1142");

        // The practice still works, and its writes still reach b.
        String token = login(a, t);
        SECRETS.put("practice token", token);
        addPatient(a, t.tenant().name(), token, "AfterBackup");
        awaitConverged(a, b);
        awaitLinks(a, 1);
        awaitLinks(b, 1);
        assertThat(GroupSites.count(b, "SELECT COUNT(*) FROM `" + own + "`.patient WHERE last_name = 'AfterBackup'"))
                .isEqualTo(1);
        assertThat(GroupSites.count(b, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE"
                + " 'bak\\_" + t.tenant().name() + "\\_%'")).as("backups never replicate").isZero();
    }

    @Test
    @Order(4)
    void noSecretIsInABinaryLogTheSiteLogOrTheSecurityLog() throws Exception {
        String name = t.tenant().name();
        String token = login(a, t);
        SECRETS.put("practice token 2", token);
        // Account changes that write to the binary log: suspend and resume (ALTER USER), a new
        // practice user, a password change.
        assertThat(admin(a, "POST", "/api/v1/admin/tenants/" + name + "/suspend", null).status()).isEqualTo(200);
        assertThat(admin(a, "POST", "/api/v1/admin/tenants/" + name + "/resume", null).status()).isEqualTo(200);
        token = login(a, t);
        String second = "Violet-tractor-" + System.nanoTime() + "-sings";
        SECRETS.put("second practice user's password", second);
        TestSite.Response u = a.call("POST", "/api/v1/t/" + name + "/users", token,
                Map.of("user_name", "frontdesk", "password", second));
        assertThat(u.status()).as(u.body()).isEqualTo(201);
        String changed = "Marmot-orchestra-" + System.nanoTime() + "-plays";
        SECRETS.put("changed practice admin password", changed);
        TestSite.Response p = a.call("PUT", "/api/v1/t/" + name + "/users/me/password", token,
                Map.of("current_password", t.adminPassword(), "new_password", changed));
        assertThat(p.status()).as(p.body()).isEqualTo(204);
        TestSite.Response bk = admin(a, "POST", "/api/v1/admin/tenants/" + name + "/backup", null);
        assertThat(bk.status()).as(bk.body()).isEqualTo(200);
        awaitConverged(a, b);

        for (TestSite s : List.of(a, b)) {
            SECRETS.putAll(replicationPasswords(s));
        }
        assertThat(SECRETS.keySet()).as("the replication passwords were found").anyMatch(k -> k.startsWith("repl"));
        assertThat(SECRETS.values()).allMatch(v -> v.length() >= 16);

        Map<String, byte[]> places = new LinkedHashMap<>();
        for (TestSite s : List.of(a, b)) {
            String site = s.site.group().siteName();
            List<Path> logs = binaryAndRelayLogs(s);
            assertThat(logs).as("binary logs of " + site).anyMatch(f -> f.getFileName().toString().matches(
                    "binlog\\.[0-9]+"));
            for (Path f : logs) {
                places.put(site + ":" + f.getFileName(), Files.readAllBytes(f));
            }
            places.put(site + ": security log", securityLog(s, t.tenant().dbName()).getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder siteLog = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(SITE_LOG.list)) {
            siteLog.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                siteLog.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        assertThat(siteLog).as("the site log was captured").contains("tenant " + name + ": created");
        places.put("site log", siteLog.toString().getBytes(StandardCharsets.UTF_8));

        List<String> found = new ArrayList<>();
        SECRETS.forEach((what, secret) -> places.forEach((where, bytes) -> {
            if (contains(bytes, secret.getBytes(StandardCharsets.UTF_8))) {
                found.add(what + " in " + where);
            }
        }));
        assertThat(found).as("secrets found").isEmpty();
        // The accounts are in the binary log, by hash: the check above looked at the right events.
        StringBuilder binlogA = new StringBuilder();
        places.forEach((where, bytes) -> {
            if (where.startsWith("a:binlog.")) {
                binlogA.append(new String(bytes, StandardCharsets.ISO_8859_1));
            }
        });
        assertThat(binlogA.toString()).contains("CREATE OR REPLACE USER '" + t.tenant().dbUser() + "'@'127.0.0.1' IDENTIFIED BY PASSWORD '*");
    }

    /** The node's {@code mariadb} client as the practice's account, over TLS with the site's CA. */
    private static TestSite.ClientResult practice(TestSite s, String sql) {
        return client(s, t, "--ssl-ca=" + s.site.home().tls().caCert(), sql);
    }

    private static TestSite.ClientResult client(TestSite s, TenantService.Created who, String tls, String sql,
                                                String... more) {
        List<String> cmd = new ArrayList<>(List.of(s.site.node().config().binary("mariadb").toString(),
                "--no-defaults", "-h127.0.0.1", "-P" + s.site.node().config().port(), "-u" + who.tenant().dbUser(),
                "--batch", "--skip-column-names", tls));
        cmd.addAll(List.of(more));
        cmd.addAll(List.of("-e", sql));
        try {
            // The password through the environment, not the command line (the process list).
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("MYSQL_PWD", who.dbPassword());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new TestSite.ClientResult(p.waitFor(), out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The site's node as its admin account, as a DataSource (what the site's start steps take). */
    private static DataSource adminDs(TestSite s) throws Exception {
        MariaDbDataSource ds = new MariaDbDataSource(s.site.node().jdbcUrl(null));
        ds.setUser(EmbeddedNode.ADMIN_USER);
        ds.setPassword(s.site.node().config().adminPassword());
        return ds;
    }

    private static List<Path> binaryAndRelayLogs(TestSite s) throws Exception {
        try (Stream<Path> files = Files.list(s.site.node().config().dataDir())) {
            return files.filter(f -> f.getFileName().toString().matches("(binlog|relay-bin.*)\\.[0-9]+"))
                    .sorted().toList();
        }
    }

    /**
     * The passwords of the replication accounts a site's links log in with, read from the
     * node's own connection files ({@code master-<channel>.info}: the user's line, then the
     * password's).
     */
    private static Map<String, String> replicationPasswords(TestSite s) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(s.site.node().config().dataDir())) {
            for (Path f : files.filter(x -> x.getFileName().toString().matches("master-.+\\.info")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (lines.get(i).startsWith("repl_")) {
                        out.put("replication password " + lines.get(i) + " (" + f.getFileName() + ")", lines.get(i + 1));
                    }
                }
            }
        }
        return out;
    }

    private static String securityLog(TestSite s, String db) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CONCAT_WS(' ', user_name, site, action, entity, entity_id,"
                     + " details) FROM `" + db + "`.security_log")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(sb).as("the security log has rows").isNotEmpty();
        return sb.toString();
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
