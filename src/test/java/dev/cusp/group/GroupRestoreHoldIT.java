package dev.cusp.group;

import static dev.cusp.group.GroupSites.addPatient;
import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitHealthy;
import static dev.cusp.group.GroupSites.awaitSameData;
import static dev.cusp.group.GroupSites.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupManifest;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hold of a group restore, at the sites that do not run it: a practice's own program
 * connected straight to another site's node (the real {@code mariadb} client, with the
 * practice's password) is cut when the hold starts and let in again only when it ends, and the
 * hold outlives a restart of that site, both before the restored practice reaches it and while
 * it is being put in place there.
 */
class GroupRestoreHoldIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] s = GroupSites.twoPeers("grhold");
        a = s[0];
        b = s[1];
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(b, a);
    }

    static String names(TestSite s, String db) throws Exception {
        try (var conn = s.site.node().adminConnection(); var st = conn.createStatement();
             var rs = st.executeQuery("SELECT GROUP_CONCAT(last_name ORDER BY id) FROM `" + db + "`.patient")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A practice with KeptA (before the moment) and DroppedA (after it), at both sites; returns the moment. */
    static Instant written(TenantService.Created t) throws Exception {
        awaitConverged(a, b);
        String token = login(a, t);
        addPatient(a, t.tenant().name(), token, "KeptA");
        a.site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        Instant moment = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(moment.plusSeconds(1)));
        addPatient(a, t.tenant().name(), token, "DroppedA");
        awaitConverged(a, b);
        return moment;
    }

    /** The real client, as the practice's own database user, at {@code s}'s node. */
    static ProcessBuilder client(TestSite s, TenantService.Created t, String sql) {
        return new ProcessBuilder(s.site.node().config().binary("mariadb").toString(), "--no-defaults", "-h127.0.0.1",
                "-P" + s.site.node().config().port(), "-u" + t.tenant().dbUser(), "-p" + t.dbPassword(), "--batch",
                "--skip-column-names", "-e", sql).redirectErrorStream(true);
    }

    static TestSite.ClientResult run(TestSite s, TenantService.Created t, String sql) {
        return s.mariadb(t.tenant().dbUser(), t.dbPassword(), sql);
    }

    static int loginStatus(TestSite s, TenantService.Created t) {
        return s.callUnchecked("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword())).status();
    }

    static TestSite restart(TestSite s, String name) {
        return s.restart(Map.of("site.name", name, "port", Integer.toString(s.site.port())));
    }

    @Test
    void aPracticesOwnConnectionAtAnotherSiteIsCutAndStaysOutWhileHeldAcrossARestart() throws Exception {
        TenantService.Created t = a.newTenant("grhc");
        String db = t.tenant().dbName();
        Instant moment = written(t);
        // The practice's own program at b, connected straight to b's node.
        Process open = client(b, t, "SELECT SLEEP(600)").start();
        await().atMost(Duration.ofSeconds(30)).until(() -> GroupSites.count(b, "SELECT COUNT(*) FROM"
                + " information_schema.processlist WHERE user = '" + t.tenant().dbUser() + "'") == 1);

        a.site.restorer().stopAt("loaded");
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore",
                Map.of("to", moment.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(3)).until(() -> a.site.restorer().stopped());

        // Held at b: its open connection was killed, a new one is refused, the API waits.
        await().atMost(Duration.ofSeconds(30)).until(() -> !open.isAlive());
        String cut = new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(open.exitValue()).as(cut).isNotZero();
        TestSite.ClientResult refused = run(b, t, "INSERT INTO patient (last_name, first_name) VALUES ('AtB', 'X')");
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("locked");
        assertThat(loginStatus(b, t)).isEqualTo(503);

        // b restarts while held: still held.
        b = restart(b, "b");
        assertThat(loginStatus(b, t)).isEqualTo(503);
        assertThat(run(b, t, "SELECT 1").output()).contains("locked");

        // a, stopped dead before its swap, restarts: the restore is rolled back and the hold ends everywhere.
        a = restart(a, "a");
        await().atMost(Duration.ofMinutes(1)).until(() -> loginStatus(b, t) == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> run(b, t, "SELECT 1").exit() == 0);
        assertThat(names(a, db)).isEqualTo("KeptA,DroppedA");
        assertThat(names(b, db)).isEqualTo("KeptA,DroppedA");
        awaitHealthy(a, b);
    }

    @Test
    void aSiteRestartingWhileTheRestoredPracticeIsPutInPlaceThereStaysHeldAndGetsIt() throws Exception {
        TenantService.Created t = a.newTenant("grhr");
        String db = t.tenant().dbName();
        Instant moment = written(t);

        b.site.restorer().stopAt("loaded");
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore",
                Map.of("to", moment.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        TestSite held = b;
        await().atMost(Duration.ofMinutes(3)).until(() -> held.site.restorer().stopped());
        assertThat(names(a, db)).as("restored at a").isEqualTo("KeptA");

        // b stops dead half way through putting the restored practice in place, and starts again:
        // its half is undone, the practice stays held, and a gives it the restored practice again.
        b = restart(b, "b");
        String job = "/api/v1/admin/jobs/" + r.json().get("id").asText();
        JsonNode done = await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
                .until(() -> admin(a, "GET", job, null).json(), j -> !j.path("state").asText().equals("running"));
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(names(a, db)).isEqualTo("KeptA");
        assertThat(names(b, db)).isEqualTo("KeptA");
        awaitSameData(db, a, b);
        assertThat(loginStatus(b, t)).isEqualTo(200);
        addPatient(b, t.tenant().name(), login(b, t), "AfterRestore");
        awaitConverged(a, b);
        assertThat(names(a, db)).isEqualTo("KeptA,AfterRestore");
        awaitHealthy(a, b);
    }

    @Test
    void aRestoringSiteRestartedAfterItsSwapGoesOnAndEndsTheHoldOnlyWhenEverySiteHasIt() throws Exception {
        TenantService.Created t = a.newTenant("grhd");
        String db = t.tenant().dbName();
        Instant moment = written(t);

        a.site.restorer().stopAt("distributing");
        TestSite.Response r = admin(a, "POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore",
                Map.of("to", moment.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        TestSite stopped = a;
        await().atMost(Duration.ofMinutes(3)).until(() -> stopped.site.restorer().stopped());
        assertThat(names(a, db)).as("swapped at a").isEqualTo("KeptA");
        assertThat(names(b, db)).as("not yet at b").isEqualTo("KeptA,DroppedA");
        assertThat(loginStatus(b, t)).isEqualTo(503);

        // a stops dead after its own swap and starts again: held at both sites until b has it too.
        a = restart(a, "a");
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
                .until(() -> "KeptA".equals(names(b, db)));
        await().atMost(Duration.ofMinutes(1)).until(() -> loginStatus(a, t) == 200 && loginStatus(b, t) == 200);
        awaitSameData(db, a, b);
        assertThat(run(b, t, "SELECT 1").exit()).isZero();
        awaitHealthy(a, b);
    }
}
