package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.backup.BackupManifest;
import dev.cusp.node.NodeConfig;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A site whose home path is long (90 characters): its node's socket in its run folder would be
 * longer than the 107 bytes a unix socket allows, and a restore's scratch server lies deeper
 * still. The node starts (its first start reaches the server by socket), the practice's own
 * client reaches it, and a restore runs. Another local user has taken the short socket folder
 * named after its node folder before it starts (a link to a folder of theirs): the site starts
 * all the same, in a folder of its own.
 */
class LongHomeIT {
    static TestSite site;
    static Path taken;
    static Path theirs;

    @BeforeAll
    static void start() throws Exception {
        Path base = TestSite.newHome("lh");
        int pad = Math.max(1, 90 - base.toString().length() - 1);
        Path home = base.resolve("h".repeat(pad));
        Files.createDirectories(home);
        assertThat(home.toString().length()).isGreaterThanOrEqualTo(90);
        assertThat(home.resolve("node/run/mysqld.sock").toString().length()).isGreaterThan(NodeConfig.SOCKET_PATH_MAX);
        taken = new NodeConfig(home.resolve("node"), 1, 1, 1, 64, null, null, null, "x").socketDir();
        theirs = Files.createTempDirectory("theirs");
        Files.createSymbolicLink(taken, theirs);
        site = TestSite.startIn(home, Map.of("site.name", "lh"));
    }

    @AfterAll
    static void stop() {
        if (site != null) {
            site.close();
        }
        try {
            Files.deleteIfExists(taken);
            Files.deleteIfExists(theirs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSiteWithALongHomeStartsServesAndRestores() throws Exception {
        Path socket = site.site.node().config().socket();
        assertThat(socket.toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(NodeConfig.SOCKET_PATH_MAX);
        assertThat(Files.exists(socket)).as(socket.toString()).isTrue();
        assertThat(socket.getParent()).isNotEqualTo(taken);
        assertThat(theirs).isEmptyDirectory();

        TenantService.Created t = site.newTenant("lhr");
        String token = site.login(t);
        var made = site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", "Kept", "first_name", "X"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        var client = site.mariadb(t.tenant().dbUser(), t.dbPassword(), "SELECT COUNT(*) FROM " + t.tenant().dbName()
                + ".patient");
        assertThat(client.exit()).as(client.output()).isZero();

        site.site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        String admin = Files.readString(site.site.home().cliToken()).trim();
        var r = site.call("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore", admin,
                Map.of("to", java.time.Instant.now().toString(), "as", "lhcopy"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("id").asText();
        TestSite.Response[] done = new TestSite.Response[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            done[0] = site.call("GET", "/api/v1/admin/jobs/" + id, admin, null);
            return !"running".equals(done[0].json().path("state").asText());
        });
        assertThat(done[0].json().path("state").asText()).as(done[0].body()).isEqualTo("succeeded");
        assertThat(site.site.tenants().registry().require("lhcopy").dbName()).startsWith("od_lhcopy_");
    }
}
