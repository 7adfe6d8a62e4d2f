package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.DetachedSite;
import dev.cusp.support.DetachedSite.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a site (a real separate process, {@code cusp up --detach}) at each step of a
 * restore that changes something (the replay done in the scratch server, whose mariadbd is left
 * running as an orphan; the restored copy loaded beside the live practice; the live triggers
 * dropped just before the rename; the rename done), then a start: every table of the practice
 * is byte for byte either as it was or as restored (CHECKSUM TABLE of each), nothing half-made
 * is left (staging databases, scratch server and its process, partial backups), the practice
 * serves and takes writes, and every backup listed passes its drill.
 */
@Tag("slow")
class RestoreKillIT {
    private static final String[] PHASES = {"replayed", "loaded", "swapping", "swapped"};
    /** A short label: the scratch server's socket path below HOME must stay within 107 bytes. */
    private final DetachedSite site = new DetachedSite("rk");

    @AfterEach
    void stop() {
        site.down();
    }

    /** One practice, made and written before its restore is started and the site killed. */
    record Round(String phase, String name, String db, String adminUser, String adminPassword,
                 Map<String, Long> atMoment, Map<String, Long> before) {
    }

    @Test
    void aSiteKilledMidRestoreIsAsItWasOrFullyRestored() throws Exception {
        Round last = null;
        for (int i = 0; i <= PHASES.length; i++) {
            String pause = i < PHASES.length ? PHASES[i] : "";
            site.conf("backup.schedule=off\nbackup.verify.schedule=off\n");
            // A JVM property of the site's process, not a setting (empty: the last start pauses nowhere).
            site.property("cusp.test.restore.pause", pause);
            Run up = site.cusp("up", "--detach", "--port", "0");
            assertThat(up.exit()).as(up.out() + up.err()).isZero();
            site.awaitAnswering();
            if (last != null) {
                check(last);
            }
            if (i < PHASES.length) {
                last = startAndKill(PHASES[i], 31 + i);
            }
        }
    }

    private Round startAndKill(String phase, int id) throws Exception {
        String name = "rk" + phase;
        Run created = site.cusp("tenant", "create", name, "--id", String.valueOf(id), "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode t = Json.MAPPER.readTree(created.out());
        String db = t.get("database").asText();
        Run seeded = site.cusp("tenant", "seed-data", name, "--patients", "200");
        assertThat(seeded.exit()).as(seeded.err()).isZero();
        String token = site.login(name, t.get("admin_user").asText(), t.get("admin_password").asText());
        Run backup = site.cusp("backup", "now", name);
        assertThat(backup.exit()).as(backup.out() + backup.err()).isZero();
        patient(name, token, "AfterBackup");
        String live = liveBinlog();
        Instant moment = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Instant.now().isBefore(moment.plusSeconds(1)));
        Map<String, Long> atMoment = site.checksums(db);
        patient(name, token, "AfterMoment1");
        patient(name, token, "AfterMoment2");
        Map<String, Long> before = site.checksums(db);
        assertThat(before).isNotEqualTo(atMoment);

        // What is kept after the backup is only in the node's live binary log, not in the archive
        // yet: the restore reads it (it closes that file and archives it first).
        assertThat(liveBinlog()).isEqualTo(live);
        assertThat(site.home().resolve("backups/binlog").resolve(live)).doesNotExist();
        var r = site.api("POST", "/api/v1/admin/tenants/" + name + "/restore", site.adminToken(),
                "{\"to\":\"" + moment + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        Path marker = site.home().resolve("rs").resolve("paused-" + phase);
        String job = "/api/v1/admin/jobs/" + Json.MAPPER.readTree(r.body()).get("id").asText();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (Files.exists(marker)) {
                return true;
            }
            String state = site.api("GET", job, site.adminToken(), null).body();
            assertThat(state).as("the restore runs until it stops at " + phase).contains("\"running\"");
            return false;
        });
        List<ProcessHandle> scratch = scratchServers();
        if (phase.equals("replayed")) {
            assertThat(scratch).as("the scratch server runs while the replay is done").isNotEmpty();
        }
        System.out.println("RestoreKillIT: killing the site at " + phase);
        site.kill9();
        assertThat(site.mariadbd()).as("kill -9 of the site leaves its mariadbd running").isPresent();
        if (phase.equals("replayed")) {
            assertThat(scratch).as("and the scratch server's").allMatch(ProcessHandle::isAlive);
        }
        Files.delete(marker);
        return new Round(phase, name, db, t.get("admin_user").asText(), t.get("admin_password").asText(), atMoment,
                before);
    }

    private void check(Round r) throws Exception {
        String what = "killed at " + r.phase();
        // The restored practice's security log gains the restore's own entry once it is finished.
        Map<String, Long> now = without(site.checksums(r.db()), "security_log");
        if (r.phase().equals("swapped")) {
            assertThat(now).as(what + ": every table fully restored").isEqualTo(without(r.atMoment(), "security_log"));
            assertThat(lastSecurityAction(r.db())).isEqualTo("restore");
        } else {
            assertThat(site.checksums(r.db())).as(what + ": every table as it was").isEqualTo(r.before());
        }
        assertThat(adminQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'cusp\\_rs%'"))
                .as(what + ": no staging database left").isEmpty();
        assertThat(scratchServers()).as(what + ": no scratch server left running").isEmpty();
        assertThat(list(site.home().resolve("rs"))).as(what + ": no scratch folder or journal left")
                .noneMatch(n -> n.matches("s[0-9a-f]{8}") || n.startsWith("journal-"));
        Path backups = site.home().resolve("backups").resolve(r.db());
        assertThat(list(backups)).as(what + ": no partial backup").noneMatch(n -> n.startsWith("."));

        // Serving, not held: a login and a write work, and every backup listed passes its drill.
        patient(r.name(), site.login(r.name(), r.adminUser(), r.adminPassword()), "AfterRestart");
        Run verified = site.cusp("backup", "verify", r.name());
        assertThat(verified.exit()).as(what + ": " + verified.out() + verified.err()).isZero();
        Run q = site.cusp("query", r.name(), "SELECT COUNT(*) FROM patient", "--reason", "restore kill test");
        assertThat(q.exit()).as(what + ": " + q.err()).isZero();
    }

    private static Map<String, Long> without(Map<String, Long> m, String table) {
        Map<String, Long> out = new TreeMap<>(m);
        out.remove(table);
        return out;
    }

    private void patient(String tenant, String token, String last) throws Exception {
        var r = site.api("POST", "/api/v1/t/" + tenant + "/patients", token,
                "{\"last_name\":\"" + last + "\",\"first_name\":\"X\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private String liveBinlog() throws Exception {
        return adminQuery("SHOW MASTER STATUS").get(0);
    }

    private String lastSecurityAction(String db) throws Exception {
        List<String> a = adminQuery("SELECT action FROM `" + db + "`.security_log ORDER BY id DESC LIMIT 1");
        return a.isEmpty() ? null : a.get(0);
    }

    private List<String> adminQuery(String sql) throws Exception {
        try (Connection c = site.adminConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    /** The scratch servers' mariadbd processes (their folders are below HOME/rs). */
    private List<ProcessHandle> scratchServers() {
        String rs = site.home().resolve("rs").toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("mariadbd")
                && c.contains(rs)).orElse(false)).toList();
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
