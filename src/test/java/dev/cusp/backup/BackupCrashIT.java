package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.Cusp;
import dev.cusp.site.SiteHome;
import dev.cusp.support.TestSite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a site (a real separate process) in the middle of a backup: while the practice's
 * tables are locked and copied, or while the copy is compressed. After the next start the
 * practice is as it was and writable, nothing half-made is left (no partial backup folder, no
 * staging copy) and no backup is listed that is not complete; the next backup passes its drill.
 */
@Tag("slow")
class BackupCrashIT {
    private final Path home = TestSite.newHome("backupcrash");

    record Run(int exit, String out, String err) {
    }

    private Run cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        cusp("down");
    }

    private String state(String tenant) {
        Run r = cusp("query", tenant, "SELECT (SELECT COUNT(*) FROM patient) p, (SELECT COUNT(*) FROM procedure_log) l,"
                + " (SELECT MAX(id) FROM procedure_log) m, (SELECT COUNT(*) FROM appointment) a", "--reason",
                "backup crash test", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().replaceAll("\"elapsed_ms\"\\s*:\\s*\\d+", "");
    }

    @Test
    void killMinusNineDuringABackupLeavesThePracticeAsItWas() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("cusp.conf"), "backup.schedule=off\nbackup.verify.schedule=off\n");
        Run up = cusp("up", "--detach", "--port", "0");
        assertThat(up.exit()).as(up.err()).isZero();
        Run created = cusp("tenant", "create", "crashbk", "--id", "11");
        assertThat(created.exit()).as(created.out() + created.err()).isZero();
        Run seeded = cusp("tenant", "seed-data", "crashbk", "--patients", "3000");
        assertThat(seeded.exit()).as(seeded.err()).isZero();
        String before = state("crashbk");

        Path node = home.resolve("node");
        Path backups = home.resolve("backups").resolve("od_crashbk_11");
        Thread backup = Thread.ofPlatform().start(() -> cusp("backup", "now", "crashbk"));
        long site = Long.parseLong(Files.readString(new SiteHome(home).pidFile()).trim());
        String phase = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (phase == null && System.nanoTime() < deadline) {
            if (stagingHasFiles(node)) {
                phase = "tables locked and copied";
            } else if (partialHas(backups, "tables")) {
                phase = "compressing";
            } else {
                Thread.onSpinWait();
            }
        }
        assertThat(phase).as("the backup was seen running").isNotNull();
        ProcessHandle.of(site).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(site).map(p -> !p.isAlive()).orElse(true));
        backup.join(Duration.ofSeconds(60));

        Run again = cusp("up", "--detach", "--port", "0");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(state("crashbk")).as("killed while " + phase + ": the practice is as it was").isEqualTo(before);
        assertThat(list(backups)).as("no partial backup folder is left").noneMatch(n -> n.startsWith("."));
        assertThat(list(node)).as("no staging copy is left").noneMatch(n -> n.startsWith("backup-staging-"));
        Run listed = cusp("backup", "list", "crashbk", "--json");
        assertThat(listed.out()).contains("\"backups\" : [ ]");

        // The practice's tables are not held: the next backup (which locks them) and its drill work.
        Run now = cusp("backup", "now", "crashbk");
        assertThat(now.exit()).as(now.err()).isZero();
        Run verified = cusp("backup", "verify", "crashbk");
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
    }

    private static boolean stagingHasFiles(Path node) {
        for (String n : list(node)) {
            if (n.startsWith("backup-staging-") && !list(node.resolve(n)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static boolean partialHas(Path backups, String child) {
        for (String n : list(backups)) {
            if (n.startsWith(".partial-") && Files.isDirectory(backups.resolve(n).resolve(child))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

}
