package dev.cusp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backup format on a real site: a backup holds the practice's rows as they were at its GTID
 * position, loads into a new database with the same rows, and a damaged or missing file is
 * named and changes nothing.
 */
class BackupFormatIT {
    static final TestSite site = TestSite.shared();

    @Test
    void aBackupLoadsIntoANewDatabaseWithTheSameRows() throws Exception {
        TenantService.Created t = site.newTenant("bkfmt");
        String token = site.login(t);
        for (int i = 0; i < 5; i++) {
            site.call("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token,
                    Map.of("last_name", "Fmt" + i, "first_name", "A", "birth_date", "1980-01-01"));
        }
        BackupService backups = site.site.backups();
        BackupStore.Stored b = backups.backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        BackupManifest m = b.manifest();
        assertThat(m.rowCounts()).containsEntry("patient", 5L);
        assertThat(m.gtidPosition()).isNotBlank();
        assertThat(m.method()).isEqualTo("tablespace");
        assertThat(m.schemaVersion()).isEqualTo(t.tenant().schemaVersion());
        assertThat(m.triggers()).isNotEmpty();
        assertThat(BackupReader.verifyFiles(b)).isEmpty();
        assertThat(backups.list(t.tenant().name())).extracting(s -> s.manifest().id()).containsExactly(m.id());
        assertThat(mode(b.folder())).isEqualTo("rwx------");
        assertThat(mode(b.folder().resolve("manifest.json"))).isEqualTo("rw-------");

        String target = "bkfmt_load_" + System.nanoTime();
        BackupReader.Loaded loaded = backups.reader().load(b, target, BackupReader.LoadOptions.WITH_TRIGGERS);
        assertThat(loaded.tables()).isEqualTo(m.tables().size());
        assertThat(backups.reader().rowCounts(target, m.tables().stream().map(BackupManifest.Table::name).toList()))
                .isEqualTo(m.rowCounts());
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = '"
                     + target + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(m.triggers().size());
        }
        backups.reader().drop(target);
        assertThat(binlogMentions(target)).as("a load is never replicated").isEmpty();
        assertThat(binlogMentions("FOR EXPORT")).as("a backup is never replicated").isEmpty();
    }

    /** The binary log's statements that contain {@code text}. */
    static java.util.List<String> binlogMentions(String text) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement()) {
            java.util.List<String> files = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                while (rs.next()) {
                    files.add(rs.getString(1));
                }
            }
            for (String f : files) {
                try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + f + "'")) {
                    while (rs.next()) {
                        String info = rs.getString("Info");
                        if (info != null && info.contains(text)) {
                            out.add(info);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aDamagedFileIsNamedAndNothingIsCreated() throws Exception {
        TenantService.Created t = site.newTenant("bkbad");
        BackupStore.Stored b = site.site.backups().backup(t.tenant().name(), BackupManifest.KIND_MANUAL);
        Path file = b.folder().resolve(b.manifest().tables().get(0).tablespace());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int x = f.read();
            f.seek(f.length() / 2);
            f.write(x ^ 0xff);
        }
        assertThat(BackupReader.verifyFiles(b)).singleElement().asString().contains(file.toString(), "damaged");
        String target = "bkbad_load_" + System.nanoTime();
        assertThatThrownBy(() -> site.site.backups().reader().load(b, target, BackupReader.LoadOptions.TABLES_ONLY))
                .isInstanceOf(CuspException.class).hasMessageContaining(file.toString());
        assertThat(databaseExists(target)).isFalse();

        Files.delete(file);
        assertThat(BackupReader.verifyFiles(b)).singleElement().asString().contains(file.toString(), "missing");
        assertThatThrownBy(() -> site.site.backups().reader().load(b, target, BackupReader.LoadOptions.TABLES_ONLY))
                .isInstanceOf(CuspException.class).hasMessageContaining(file.toString()).hasMessageContaining("missing");
        assertThat(databaseExists(target)).isFalse();
    }

    static boolean databaseExists(String db) throws Exception {
        try (Connection c = site.site.node().adminConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                     + db + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    static String mode(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
