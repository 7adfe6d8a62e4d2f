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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A site stopped dead in the middle of a restore (at each step that changes the node: the
 * restored copy loaded beside the live practice, the live triggers dropped just before the
 * rename, the rename done) and started again: the practice is either as it was or fully
 * restored, never half, with its triggers, serving, and no staging database left.
 */
class RestoreCrashIT {
    static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.start("rcrash", Map.of());
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    static void patient(String token, TenantService.Created t, String last) {
        var r = site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", last, "first_name", "X"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static List<String> query(String sql) {
        try (var c = site.site.node().adminConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"loaded", "swapping", "swapped"})
    void aSiteStoppedDeadMidRestoreIsAsItWasOrFullyRestored(String phase) throws Exception {
        TenantService.Created t = site.newTenant("rc" + phase);
        String db = t.tenant().dbName();
        String token = site.login(t);
        patient(token, t, "Kept1");
        site.site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        patient(token, t, "Kept2");
        Instant moment = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(moment.plusSeconds(1)));
        patient(token, t, "Dropped");
        List<String> triggers = query("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = '"
                + db + "' ORDER BY trigger_name");
        assertThat(triggers).isNotEmpty();

        site.site.restorer().stopAt(phase);
        String admin = Files.readString(site.site.home().cliToken()).trim();
        var r = site.call("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/restore", admin,
                Map.of("to", moment.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(2)).until(() -> site.site.restorer().stopped());
        // Held while it runs: its sessions ended, and a new one waits, saying why.
        var old = site.callUnchecked("GET", "/api/v1/t/" + t.tenant().name() + "/patients", token, null);
        var login = site.callUnchecked("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword()));
        site = site.restart(Map.of());
        assertThat(old.status()).isEqualTo(401);
        assertThat(login.status()).as(login.body()).isEqualTo(503);
        assertThat(login.body()).contains("being restored");

        List<String> names = query("SELECT last_name FROM `" + db + "`.patient ORDER BY id");
        if (phase.equals("swapped")) {
            assertThat(names).as("restored in full").containsExactly("Kept1", "Kept2");
        } else {
            assertThat(names).as("as it was").containsExactly("Kept1", "Kept2", "Dropped");
        }
        assertThat(query("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = '" + db
                + "' ORDER BY trigger_name")).isEqualTo(triggers);
        assertThat(query("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'cusp\\_rs%'"))
                .isEmpty();
        String again = site.login(t);
        patient(again, t, "AfterRestart");
    }
}
