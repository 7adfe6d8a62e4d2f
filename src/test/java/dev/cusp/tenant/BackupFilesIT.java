package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A backup file through the admin API, written by a site that runs as root: a new owner-only
 * file, in the backups folder (or one the setting allows), that never changes its folder's
 * mode and never writes through a link.
 */
class BackupFilesIT {
    static final TestSite site = TestSite.shared();

    @Test
    void aSharedFolderKeepsItsModeAndTheFileIsTheOwnersOnly() throws Exception {
        var t = site.newTenant("bkshared");
        Path shared = Files.createDirectories(site.site.home().backups().resolve("shared-" + System.nanoTime()));
        chmod("1777", shared);
        Path file = shared.resolve("x.sql");
        TestSite.Response r = backup(t, file.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(mode(shared)).as("the folder's mode, as it was").isEqualTo("1777");
        assertThat(mode(file)).isEqualTo("600");
        assertThat(Files.readString(file)).contains("CREATE TABLE `patient`");
        TestSite.Response again = backup(t, file.toString());
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().at("/error/field").asText()).isEqualTo("file");
    }

    @Test
    void aLinkAtThePathIsRefusedAndNotFollowed() throws Exception {
        var t = site.newTenant("bklink");
        Path victim = Files.createTempDirectory(Path.of("target"), "victim-").toAbsolutePath().resolve("owned.sql");
        Path link = site.site.home().backups().resolve("link-" + System.nanoTime() + ".sql");
        Files.createSymbolicLink(link, victim);
        TestSite.Response r = backup(t, link.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("file");
        assertThat(victim).as("nothing written through the link").doesNotExist();
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void aPathOutsideTheBackupsFolderIsRefusedNamingFile() throws Exception {
        var t = site.newTenant("bkout");
        Path backups = site.site.home().backups();
        Path outside = Files.createTempDirectory(Path.of("target"), "outside-").toAbsolutePath();
        for (String f : new String[] {outside.resolve("x.sql").toString(),
                backups + "/../escaped-" + System.nanoTime() + ".sql",
                backups + "/sub/../../escaped.sql",
                backups + "/..",
                "relative.sql"}) {
            TestSite.Response r = backup(t, f);
            assertThat(r.status()).as(f + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).as(f).isEqualTo("file");
        }
        assertThat(outside.resolve("x.sql")).doesNotExist();
        try (var files = Files.list(site.site.home().dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("escaped"));
        }
    }

    private static TestSite.Response backup(TenantService.Created t, String file) throws Exception {
        String token = Files.readString(site.site.home().cliToken()).trim();
        return site.call("POST", "/api/v1/admin/tenants/" + t.tenant().name() + "/backup", token,
                Map.of("to_file", true, "file", file));
    }

    private static void chmod(String mode, Path p) throws Exception {
        assertThat(new ProcessBuilder("chmod", mode, p.toString()).start().waitFor()).isZero();
    }

    private static String mode(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", "%a", p.toString()).start();
        String out = new String(pr.getInputStream().readAllBytes()).trim();
        assertThat(pr.waitFor()).isZero();
        return out;
    }
}
