package dev.cusp.document;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.Cusp;
import dev.cusp.support.AtoZFolder;
import dev.cusp.support.AtoZFolder.Person;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An A-to-Z folder brought in with {@code cusp tenant import-documents} and written out with
 * {@code export-documents}, on the real site: patients matched by number, else by unique name,
 * else unfiled; a second run adds nothing; links and system files are not read; the export
 * imported into a new practice gives back the same contents; folders outside the allowed ones
 * are refused.
 */
class DocumentFolderIT {
    static final TestSite site = TestSite.shared();

    record Run(int exit, String out, String err) {
    }

    static Run cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(site.site.home().dir().toString());
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static long patient(TenantService.Created t, String token, String last, String first) {
        var r = site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                Map.of("last_name", last, "first_name", first));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    static String sql(TenantService.Created t, String sql) {
        TestSite.ClientResult r = site.mariadb(t.tenant().dbUser(), t.dbPassword(), "USE `" + t.tenant().dbName()
                + "`; " + sql);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().trim();
    }

    @Test
    void aFolderIsImportedOnceMatchedAndExportedToTheSameContents() throws Exception {
        TenantService.Created a = site.newTenant("atoz");
        String token = site.login(a);
        long anna = patient(a, token, "Brown", "Anna");
        long ben = patient(a, token, "García", "Ben");
        patient(a, token, "Smith", "Eva");
        patient(a, token, "Smith", "Eva");
        long kim = patient(a, token, "Nguyen", "Kim");

        Path dir = Files.createTempDirectory(site.site.home().backups(), "atoz-");
        // By number; by name (a number no patient has); by name (the number is Ben's, the name
        // Kim's); two Eva Smiths (unfiled); nobody (unfiled).
        List<Person> people = List.of(new Person("Brown", "Anna", anna), new Person("Garcia", "Ben", 990_001),
                new Person("Nguyen", "Kim", ben), new Person("Smith", "Eva", 990_002),
                new Person("Ortiz", "Zoe", 990_003));
        int files = 0;
        for (int i = 0; i < people.size(); i++) {
            files += AtoZFolder.generate(dir, List.of(people.get(i)), 250_000, 40 + i).files();
        }
        Path annaFolder = dir.resolve("B").resolve("BrownAnna" + anna);
        Files.createSymbolicLink(annaFolder.resolve("passwd.jpg"), Path.of("/etc/passwd"));
        Files.writeString(annaFolder.resolve("Thumbs.db"), "windows");
        Files.createDirectories(dir.resolve("EmailAttachments"));
        Files.writeString(dir.resolve("EmailAttachments").resolve("note.txt"), "a letter");
        files++;

        Run first = cusp("tenant", "import-documents", a.tenant().name(), dir.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Imported " + files + " files").contains(files + " added")
                .contains("1 matched by number, 2 by name, 3 unmatched");
        assertThat(Long.parseLong(sql(a, "SELECT COUNT(*) FROM document"))).isEqualTo(files);
        assertThat(sql(a, "SELECT COUNT(*) FROM document WHERE file_name IN ('passwd.jpg', 'Thumbs.db')"))
                .isEqualTo("0");
        assertThat(Long.parseLong(sql(a, "SELECT COUNT(*) FROM document WHERE patient_id = " + anna))).isPositive();
        assertThat(Long.parseLong(sql(a, "SELECT COUNT(*) FROM document WHERE patient_id = " + ben))).isPositive();
        assertThat(Long.parseLong(sql(a, "SELECT COUNT(*) FROM document WHERE patient_id = " + kim))).isPositive();
        assertThat(sql(a, "SELECT COUNT(*) FROM document WHERE patient_id IS NULL AND category <> 'unfiled'"))
                .isEqualTo("0");
        // Ben's number, Kim's name: Kim's; nothing under Ben's id came from Kim's folder.
        assertThat(sql(a, "SELECT COUNT(*) FROM document WHERE patient_id = " + ben + " AND file_name LIKE 'x%'"
                + " AND description IS NOT NULL")).isEqualTo("0");

        Run second = cusp("tenant", "import-documents", a.tenant().name(), dir.toString());
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("0 added, " + files + " already there");
        assertThat(Long.parseLong(sql(a, "SELECT COUNT(*) FROM document"))).isEqualTo(files);

        Path out = site.site.home().backups().resolve("export-" + a.tenant().name());
        Run export = cusp("tenant", "export-documents", a.tenant().name(), out.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        List<String> manifest = Files.readAllLines(out.resolve(FolderExport.MANIFEST));
        assertThat(manifest).hasSize(files);
        for (String line : manifest) {
            String[] hashAndPath = line.split("  ", 2);
            assertThat(sha(out.resolve(hashAndPath[1]))).as(line).isEqualTo(hashAndPath[0]);
        }

        TenantService.Created b = site.newTenant("atozb");
        Run into = cusp("tenant", "import-documents", b.tenant().name(), out.toString());
        assertThat(into.exit()).as(into.err()).isZero();
        assertThat(hashes(b)).isEqualTo(hashes(a));
        assertThat(new TreeSet<>(site.site.documents().of(b.tenant().dbName()).hashes())).isEqualTo(hashes(a));
    }

    @Test
    void foldersOutsideTheAllowedOnesAreRefused() throws Exception {
        TenantService.Created a = site.newTenant("atozno");
        for (String dir : List.of("/etc", "/root", site.site.home().dir().toString(),
                site.site.home().backups() + "/../tls", "relative/dir")) {
            Run r = cusp("tenant", "import-documents", a.tenant().name(), dir);
            assertThat(r.exit()).as(dir + ": " + r.out()).isEqualTo(2);
            assertThat(r.err()).as(dir).contains("dir");
        }
        Path link = site.site.home().backups().resolve("link-to-etc-" + a.tenant().name());
        Files.createSymbolicLink(link, Path.of("/etc"));
        Run viaLink = cusp("tenant", "import-documents", a.tenant().name(), link.toString());
        assertThat(viaLink.exit()).as(viaLink.out()).isEqualTo(2);
        Path existing = Files.createDirectories(site.site.home().backups().resolve("existing-" + a.tenant().name()));
        Run exportOver = cusp("tenant", "export-documents", a.tenant().name(), existing.toString());
        assertThat(exportOver.exit()).isEqualTo(2);
        assertThat(exportOver.err()).contains("already exists");
        Run exportOut = cusp("tenant", "export-documents", a.tenant().name(), "/tmp/cusp-export-" + a.tenant().name());
        assertThat(exportOut.exit()).isEqualTo(2);
        assertThat(Files.exists(Path.of("/tmp/cusp-export-" + a.tenant().name()))).isFalse();
        assertThat(sql(a, "SELECT COUNT(*) FROM document")).isEqualTo("0");
    }

    private static TreeSet<String> hashes(TenantService.Created t) {
        return new TreeSet<>(List.of(sql(t, "SELECT DISTINCT sha256 FROM document").split("\n")));
    }

    private static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(DocumentStore.sha256().digest(Files.readAllBytes(f)));
    }

}
