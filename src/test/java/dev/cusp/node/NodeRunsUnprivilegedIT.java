package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cusp.base.FilePermissions;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.support.TestSite;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 1: with Cusp running as root (this machine and CI), mariadbd runs as the
 * unprivileged db OS user, so what the admin account can make the server write (an OUTFILE, a
 * general log file) stays in the node's own folders. Tested both ways the server is started:
 * directly, when the user can enter every folder above the node folder, and in a private mount
 * namespace, when it cannot (a site home is owner-only).
 */
class NodeRunsUnprivilegedIT {
    @TempDir
    Path temp;

    @BeforeAll
    static void onlyAsRoot() {
        assumeThat(DbOsUser.runningAsRoot()).as("these tests check what Cusp does as root").isTrue();
    }

    /** The real and effective uid of the running mariadbd, from /proc. */
    static long[] uids(NodeConfig cfg) throws Exception {
        long pid = Long.parseLong(Files.readString(cfg.pidFile()).trim());
        String uid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElseThrow();
        String[] f = uid.split("\\s+");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    static String owner(Path p) throws Exception {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).owner().getName();
    }

    @Test
    void inAFolderEveryoneMayEnterTheServerStartsDirectlyAsTheDbUser() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        SiteHome site = new SiteHome(temp.resolve("home"));
        site.initialize(Settings.defaults());
        var id = site.identity();
        NodeConfig cfg = new NodeConfig(temp.resolve("node"), id.dbPort(), id.serverId(), id.gtidDomainId(), 64,
                site.tls().caCert(), site.tls().siteCert(), site.tls().siteKey(),
                FilePermissions.read(site.nodeAdminPassword()));
        try (EmbeddedNode node = new EmbeddedNode(cfg)) {
            node.start();
            assertThat(uids(cfg)).doesNotContain(0L);
            assertThat(Files.exists(cfg.dir().resolve("launch-in-namespace"))).isFalse();
            assertThat(owner(cfg.dataDir().resolve("mysql"))).isEqualTo(NodeConfig.DEFAULT_DB_OS_USER);
            assertThat(owner(cfg.dataDir().resolve("ibdata1"))).isEqualTo(NodeConfig.DEFAULT_DB_OS_USER);
            assertThat(owner(cfg.binary("mariadbd"))).isEqualTo("root");
            try (Connection c = node.adminConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE t1 ");
                s.execute("CREATE TABLE t1.x (id INT PRIMARY KEY)");
            }
            assertThat(owner(cfg.dataDir().resolve("t1").resolve("x.ibd"))).isEqualTo(NodeConfig.DEFAULT_DB_OS_USER);
        }
    }

    @Test
    void aSiteUnderAnOwnerOnlyHomeRunsItsServerUnprivilegedAndConfined() throws Exception {
        TestSite site = TestSite.shared();
        NodeConfig cfg = site.site.node().config();
        assertThat(Files.getPosixFilePermissions(site.site.home().dir())).isEqualTo(
                PosixFilePermissions.fromString("rwx------"));
        long[] uid = uids(cfg);
        assertThat(uid).as("real and effective uid of mariadbd").doesNotContain(0L);
        assertThat(Files.exists(cfg.dir().resolve("launch-in-namespace"))).as("started in a mount namespace").isTrue();
        for (Path p : new Path[] {cfg.dataDir(), cfg.tmpDir(), cfg.runDir(), cfg.secureFileDir()}) {
            assertThat(owner(p)).as(p.toString()).isEqualTo(NodeConfig.DEFAULT_DB_OS_USER);
            assertThat(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(owner(cfg.dir())).isEqualTo("root");
        assertThat(owner(cfg.baseDir())).isEqualTo("root");
        assertThat(owner(cfg.tlsDir().resolve("key.pem"))).isEqualTo("root");
        assertThat(Files.getPosixFilePermissions(cfg.tlsDir().resolve("key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));

        Path outside = temp.resolve("outfile");
        Path etc = Path.of("/etc/cusp-test-" + ProcessHandle.current().pid());
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            // The installer makes no socket account for the server's OS user: only root@localhost.
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM mysql.global_priv WHERE user = '"
                    + NodeConfig.DEFAULT_DB_OS_USER + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            // secure_file_priv: files only in the node's own folder for them.
            assertThatThrownBy(() -> s.execute("SELECT 1 INTO OUTFILE '" + outside + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("secure-file-priv");
            Path inside = cfg.secureFileDir().resolve("x-" + System.nanoTime());
            s.execute("SELECT 1 INTO OUTFILE '" + inside + "'");
            assertThat(owner(inside)).as("written by the server as the db user").isEqualTo(
                    NodeConfig.DEFAULT_DB_OS_USER);
            Files.delete(inside);
            // The general log is not secure_file_priv's: there only the server's OS user stops it.
            try {
                s.execute("SET GLOBAL general_log_file = '" + etc + "'");
                s.execute("SET GLOBAL general_log = ON");
                s.execute("SELECT 'written to the general log'");
            } catch (SQLException refused) {
                assertThat(refused.getMessage()).contains("general_log_file");
            } finally {
                s.execute("SET GLOBAL general_log = OFF");
                s.execute("SET GLOBAL general_log_file = DEFAULT");
            }
        }
        assertThat(Files.exists(etc)).as(etc + " made by mariadbd").isFalse();
        assertThat(Files.exists(outside)).isFalse();
    }
}
