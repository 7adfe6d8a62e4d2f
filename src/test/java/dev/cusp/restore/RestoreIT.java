package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.backup.BackupManifest;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time restore on a real site: writes through the API at known moments, a backup
 * between them, then a restore to a moment gives exactly the writes up to it; another practice
 * on the node is untouched byte for byte, and {@code as} leaves the live practice as it is.
 */
class RestoreIT {
    static TestSite site;
    static TenantService.Created a;
    static TenantService.Created other;
    static String admin;
    static String tokenA;
    static Instant moment;

    @BeforeAll
    static void writesAtKnownMoments() throws Exception {
        site = TestSite.shared();
        a = site.newTenant("rsta");
        other = site.newTenant("rsto");
        admin = Files.readString(site.site.home().cliToken()).trim();
        tokenA = site.login(a);
        String tokenO = site.login(other);
        patient(tokenA, a, "BeforeBackup");
        site.site.backups().backup(a.tenant().name(), BackupManifest.KIND_MANUAL);
        patient(tokenA, a, "AfterBackup");
        patient(tokenO, other, "Other1");
        // The moment: a whole second after the last write to keep, and before the first to drop.
        moment = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(moment.plusSeconds(1)));
        patient(tokenA, a, "AfterMoment");
        patient(tokenO, other, "Other2");
    }

    static void patient(String token, TenantService.Created t, String last) {
        var r = site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", last, "first_name", "X"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static List<String> lastNames(TenantService.Created t) {
        var r = site.mariadb(t.tenant().dbUser(), t.dbPassword(), "SELECT last_name FROM " + t.tenant().dbName()
                + ".patient ORDER BY id");
        assertThat(r.exit()).as(r.output()).isZero();
        return List.of(r.output().trim().split("\\s+"));
    }

    static String checksums(TenantService.Created t) {
        var r = site.mariadb(t.tenant().dbUser(), t.dbPassword(), "CHECKSUM TABLE " + t.tenant().dbName()
                + ".patient, " + t.tenant().dbName() + ".security_log, " + t.tenant().dbName() + ".appointment EXTENDED");
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }

    static TestSite.Response restore(Map<String, Object> body) {
        TestSite.Response r = site.call("POST", "/api/v1/admin/tenants/" + a.tenant().name() + "/restore", admin, body);
        if (r.status() != 202) {
            return r;
        }
        String id = r.json().get("id").asText();
        TestSite.Response[] done = new TestSite.Response[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            done[0] = site.call("GET", "/api/v1/admin/jobs/" + id, admin, null);
            return !"running".equals(done[0].json().path("state").asText());
        });
        return done[0];
    }

    @Test
    void restoreToAMomentKeepsExactlyTheWritesUpToItAndNoOtherPracticeChanges() {
        String before = checksums(other);
        assertThat(lastNames(a)).containsExactly("BeforeBackup", "AfterBackup", "AfterMoment");
        TestSite.Response done = restore(Map.of("to", moment.toString()));
        assertThat(done.json().path("state").asText()).as(done.body()).isEqualTo("succeeded");
        assertThat(lastNames(a)).containsExactly("BeforeBackup", "AfterBackup");
        assertThat(checksums(other)).isEqualTo(before);
        assertThat(lastNames(other)).containsExactly("Other1", "Other2");
        // The practice serves again, and its security log says what happened.
        String token = site.login(a);
        var log = site.call("GET", "/api/v1/t/" + a.tenant().name() + "/security-log", token, null);
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.body()).contains("restore");
        patient(token, a, "AfterRestore");
    }

    @Test
    void restoreAsANewPracticeLeavesTheLiveOneUnchanged() {
        String before = checksums(a);
        List<String> names = new ArrayList<>(lastNames(a));
        String as = "rstas" + System.nanoTime() % 100000;
        TestSite.Response done = restore(Map.of("to", moment.toString(), "as", as));
        assertThat(done.json().path("state").asText()).as(done.body()).isEqualTo("succeeded");
        assertThat(checksums(a)).isEqualTo(before);
        assertThat(lastNames(a)).isEqualTo(names);
        var copy = site.site.tenants().registry().require(as);
        assertThat(copy.dbName()).startsWith("od_" + as + "_");
        int rows = countAsAdmin(copy.dbName());
        assertThat(rows).isEqualTo(2);
    }

    static Integer countAsAdmin(String db) {
        try (var c = site.site.node().adminConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM `" + db + "`.`patient`")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMomentInTheFutureOrBeforeTheOldestIsRefusedWithTheRange() {
        TestSite.Response future = site.callUnchecked("POST", "/api/v1/admin/tenants/" + a.tenant().name()
                + "/restore", admin, Map.of("to", Instant.now().plus(Duration.ofDays(1)).toString()));
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.json().path("error").path("field").asText()).isEqualTo("to");
        assertThat(future.json().path("error").path("message").asText()).contains("in the future").contains("between");
        TestSite.Response old = site.callUnchecked("POST", "/api/v1/admin/tenants/" + a.tenant().name()
                + "/restore", admin, Map.of("to", "2001-01-01T00:00:00Z"));
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().path("error").path("message").asText()).contains("oldest").contains("between");
        TestSite.Response junk = site.callUnchecked("POST", "/api/v1/admin/tenants/" + a.tenant().name()
                + "/restore", admin, Map.of("to", "yesterday"));
        assertThat(junk.status()).isEqualTo(400);
    }
}
