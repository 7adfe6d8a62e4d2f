package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.DetachedSite;
import dev.cusp.support.DetachedSite.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a site (a real separate process) in the middle of a backup: while the practice's
 * tables are locked and copied, or while the copy is compressed. After the next start the
 * practice is as it was byte for byte (CHECKSUM TABLE of every table) and writable, nothing
 * half-made is left (no partial backup folder, no staging copy) and no backup is listed that is
 * not complete; the next backup passes its drill.
 */
@Tag("slow")
class BackupCrashIT {
    private final DetachedSite site = new DetachedSite("backupcrash");

    @AfterEach
    void stop() {
        site.down();
    }

    @Test
    void killMinusNineDuringABackupLeavesThePracticeAsItWas() throws Exception {
        site.conf("backup.schedule=off\nbackup.verify.schedule=off\n").up();
        Run created = site.cusp("tenant", "create", "crashbk", "--id", "11");
        assertThat(created.exit()).as(created.out() + created.err()).isZero();
        Run seeded = site.cusp("tenant", "seed-data", "crashbk", "--patients", "3000");
        assertThat(seeded.exit()).as(seeded.err()).isZero();
        String db = "od_crashbk_11";
        Map<String, Long> before = site.checksums(db);
        assertThat(before).containsKeys("patient", "procedure_log", "appointment");

        Path node = site.home().resolve("node");
        Path backups = site.home().resolve("backups").resolve(db);
        Thread backup = Thread.ofPlatform().start(() -> site.cusp("backup", "now", "crashbk"));
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
        System.out.println("BackupCrashIT: killing the site while " + phase);
        site.kill9();
        assertThat(site.mariadbd()).as("kill -9 of the site leaves its mariadbd running").isPresent();
        backup.join(Duration.ofSeconds(60));

        site.up();
        assertThat(site.checksums(db)).as("killed while " + phase + ": every table as it was").isEqualTo(before);
        assertThat(list(backups)).as("no partial backup folder is left").noneMatch(n -> n.startsWith("."));
        assertThat(list(node)).as("no staging copy is left").noneMatch(n -> n.startsWith("backup-staging-"));
        Run listed = site.cusp("backup", "list", "crashbk", "--json");
        assertThat(listed.out()).contains("\"backups\" : [ ]");

        // The practice's tables are not held: the next backup (which locks them) and its drill work.
        Run now = site.cusp("backup", "now", "crashbk");
        assertThat(now.exit()).as(now.err()).isZero();
        Run verified = site.cusp("backup", "verify", "crashbk");
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
