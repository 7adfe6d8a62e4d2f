package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Cusp;
import dev.cusp.base.JsonMapping;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verification drills through the CLI and the admin API on a real site: a good backup passes
 * and is recorded verified; a corrupted backup file is caught, named, recorded on the backup and
 * raised, while the practice and the node are left as they were (no scratch copy stays).
 */
class BackupDrillIT {
    static final TestSite site = TestSite.shared();

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

    @Test
    void aDrillPassesOnAGoodBackupAndCatchesACorruptedFile() throws Exception {
        TenantService.Created t = site.newTenant("drill");
        String name = t.tenant().name();
        String token = site.login(t);
        for (int i = 0; i < 3; i++) {
            site.call("POST", "/api/v1/t/" + name + "/patients", token,
                    Map.of("last_name", "Drill" + i, "first_name", "A", "birth_date", "1980-01-01"));
        }
        Run now = cusp("backup", "now", name);
        assertThat(now.exit()).as(now.err()).isZero();
        assertThat(now.out()).contains("Backed up " + name);

        Run ok = cusp("backup", "verify", name);
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("Verified " + name);
        JsonNode listed = json(cusp("backup", "list", name, "--json"));
        assertThat(listed.at("/backups/0/verified").asBoolean()).isTrue();
        assertThat(listed.at("/backups/0/method").asText()).isEqualTo("tablespace");
        assertThat(listed.at("/failed_drills").has(name)).isFalse();

        BackupStore.Stored b = site.site.backups().list(name).get(0);
        BackupManifest.Table patient = b.manifest().tables().stream().filter(x -> x.name().equals("patient"))
                .findFirst().orElseThrow();
        Path file = b.folder().resolve(patient.tablespace());
        flipByteInTheMiddle(file);
        long patientsBefore = patients(t);

        Run failed = cusp("backup", "verify", name);
        assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(9);
        assertThat(failed.out()).contains("FAILED").contains(file.toString());
        JsonNode after = json(cusp("backup", "list", name, "--json"));
        assertThat(after.at("/backups/0/verified").asBoolean()).isFalse();
        assertThat(after.at("/backups/0/problems/0").asText()).contains(file.toString());
        assertThat(after.at("/failed_drills/" + name).asText()).contains(b.manifest().id());
        assertThat(cusp("backup", "list", name).out()).contains("FAILED").contains("ALERT BACKUP_DRILL_FAILED " + name);

        assertThat(patients(t)).as("the practice is as it was").isEqualTo(patientsBefore);
        assertThat(scratchDatabases()).as("no scratch copy is left").isZero();

        // A new, good backup whose drill passes clears the alert.
        assertThat(cusp("backup", "now", name).exit()).isZero();
        assertThat(cusp("backup", "verify", name).exit()).isZero();
        assertThat(json(cusp("backup", "list", name, "--json")).at("/failed_drills").has(name)).isFalse();
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        TestSite.Response both = site.call("POST", "/api/v1/admin/backups", adminToken(),
                Map.of("tenant", "x", "all", true));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().at("/error/field").asText()).isEqualTo("tenant");
        TestSite.Response unknown = site.call("POST", "/api/v1/admin/backups", adminToken(), Map.of("tenant", "nosuch"));
        assertThat(unknown.status()).isEqualTo(404);
        TestSite.Response badId = site.call("POST", "/api/v1/admin/backups/verify", adminToken(),
                Map.of("backup", "../../etc"));
        assertThat(badId.status()).isEqualTo(400);
        Run missing = cusp("backup", "verify", "nosuchtenant");
        assertThat(missing.exit()).isEqualTo(5);
        assertThat(missing.err().lines().count()).isEqualTo(1);
    }

    private static String adminToken() {
        try {
            return Files.readString(site.site.home().cliToken()).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode json(Run r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return JsonMapping.MAPPER.readTree(r.out());
    }

    static void flipByteInTheMiddle(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int x = f.read();
            f.seek(f.length() / 2);
            f.write(x ^ 0xff);
        }
    }

    static long patients(TenantService.Created t) throws Exception {
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', id, last_name))),"
                     + " 0) FROM `" + t.tenant().dbName() + "`.patient")) {
            rs.next();
            return rs.getLong(1) * 1_000_003L + rs.getLong(2);
        }
    }

    static int scratchDatabases() throws Exception {
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE"
                     + " 'drill\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
