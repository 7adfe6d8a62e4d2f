package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cusp.Cusp;
import dev.cusp.base.JsonMapping;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failed drill is a site alert like any other, on a site in no group: BACKUP_DRILL_FAILED in
 * {@code GET /admin/status} and {@code cusp status}, in {@code /metrics}, and at the webhook;
 * raised once however often the same failure is found again, kept across a restart (the result
 * is on the backup), cleared by a later passing drill, and cleared when retention deletes the
 * failed backup.
 */
class DrillAlertIT {
    static HttpServer hook;
    static final List<JsonNode> HOOKED = new CopyOnWriteArrayList<>();
    static Map<String, String> settings;
    static TestSite site;

    @BeforeAll
    static void start() throws Exception {
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/alerts", ex -> {
            HOOKED.add(JsonMapping.MAPPER.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        settings = Map.of("site.name", "drills", "monitor.webhook",
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts");
        site = TestSite.start("drill-alert", settings);
    }

    @AfterAll
    static void stop() {
        if (site != null) {
            site.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
    }

    @Test
    void aFailedDrillIsRaisedOnceShownEverywhereKeptAcrossARestartAndClearedByAPassingDrill() throws Exception {
        TenantService.Created t = site.newTenant("alerted");
        String name = t.tenant().name();
        String key = DrillAlerts.key(name);
        assertThat(cusp("backup", "now", name).exit()).isZero();
        assertThat(cusp("backup", "verify", name).exit()).isZero();
        assertThat(alerts()).noneMatch(a -> a.path("link").asText().equals(key));

        BackupStore.Stored b = site.site.backups().list(name).get(0);
        BackupDrillIT.flipByteInTheMiddle(b.folder().resolve(b.manifest().tables().get(0).tablespace()));
        assertThat(cusp("backup", "verify", name).exit()).isEqualTo(9);

        JsonNode alert = alerts().stream().filter(a -> a.path("link").asText().equals(key)).findFirst().orElseThrow();
        assertThat(alert.path("code").asText()).isEqualTo("BACKUP_DRILL_FAILED");
        assertThat(alert.path("message").asText()).contains(name).contains(b.manifest().id()).contains("damaged");
        assertThat(alert.path("fix").asText()).contains("cusp backup verify " + name);
        Run status = cusp("status");
        assertThat(status.out()).contains("[BACKUP_DRILL_FAILED]").contains(b.manifest().id());
        assertThat(metrics()).contains("cusp_site_fault{code=\"BACKUP_DRILL_FAILED\",subject=\"" + key + "\"} 1.0");
        await().atMost(Duration.ofSeconds(20)).until(() -> hooked("raised", key) == 1);

        // The next drill finds the same failure: the alert stands, nothing new is sent.
        assertThat(cusp("backup", "verify", name).exit()).isEqualTo(9);
        assertThat(alerts()).filteredOn(a -> a.path("link").asText().equals(key)).hasSize(1);

        // The result is on the backup: a restarted site raises the alert again at its start.
        site = site.restart(settings);
        await().atMost(Duration.ofSeconds(30)).until(() -> alerts().stream()
                .anyMatch(a -> a.path("link").asText().equals(key)));
        assertThat(hooked("raised", key)).isEqualTo(2);

        // A later backup whose drill passes clears it, everywhere.
        assertThat(cusp("backup", "now", name).exit()).isZero();
        assertThat(cusp("backup", "verify", name).exit()).isZero();
        assertThat(alerts()).noneMatch(a -> a.path("link").asText().equals(key));
        assertThat(cusp("status").out()).doesNotContain("BACKUP_DRILL_FAILED");
        assertThat(metrics()).doesNotContain("subject=\"" + key + "\"");
        await().atMost(Duration.ofSeconds(20)).until(() -> hooked("cleared", key) == 1);
        assertThat(hooked("raised", key)).isEqualTo(2);
    }

    @Test
    void retentionDeletingTheFailedBackupClearsTheAlert() throws Exception {
        TenantService.Created t = site.newTenant("retained");
        String name = t.tenant().name();
        String key = DrillAlerts.key(name);
        BackupStore.Stored failed = site.site.backups().backup(name, BackupManifest.KIND_SCHEDULED);
        BackupDrillIT.flipByteInTheMiddle(failed.folder().resolve(failed.manifest().tables().get(0).tablespace()));
        assertThat(site.site.backups().verify(name, null).ok()).isFalse();
        assertThat(alerts()).anyMatch(a -> a.path("link").asText().equals(key));

        // A second scheduled backup the same day: retention keeps only the newest of the day.
        site.site.backups().backup(name, BackupManifest.KIND_SCHEDULED);
        assertThat(Files.exists(failed.folder())).isFalse();
        assertThat(alerts()).noneMatch(a -> a.path("link").asText().equals(key));
        assertThat(site.site.backups().failedDrills()).doesNotContainKey(name);
    }

    private static List<JsonNode> alerts() {
        TestSite.Response r = site.call("GET", "/api/v1/admin/status", token(), null);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        r.json().path("alerts").forEach(out::add);
        return out;
    }

    private static String metrics() {
        return site.call("GET", "/metrics", null, null).body();
    }

    private static long hooked(String event, String key) {
        return HOOKED.stream().filter(h -> h.path("event").asText().equals(event)
                && h.at("/alert/link").asText().equals(key)).count();
    }

    private static String token() {
        try {
            return Files.readString(site.site.home().cliToken()).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = site.site.home().dir().toString();
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
