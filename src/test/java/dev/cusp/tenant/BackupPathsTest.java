package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.error.CuspException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupPathsTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheBackupsFolderUnlessTheSettingAllowsMore() throws Exception {
        Path backups = Files.createDirectory(dir.resolve("backups"));
        Path extra = Files.createDirectory(dir.resolve("extra"));
        BackupPaths only = new BackupPaths(backups, List.of());
        assertThat(only.check(backups.resolve("a.sql"))).isEqualTo(backups.toRealPath().resolve("a.sql"));
        refused(only, extra.resolve("a.sql"), "backup.paths.allowed");
        BackupPaths more = new BackupPaths(backups, BackupPaths.parse(extra + ", " + dir.resolve("missing")));
        assertThat(more.check(extra.resolve("a.sql"))).isEqualTo(extra.toRealPath().resolve("a.sql"));
        refused(more, dir.resolve("missing/a.sql"), "does not exist");
        refused(more, dir.resolve("a.sql"), "is not in one");
    }

    @Test
    void dotDotAndLinkedFoldersResolveBeforeTheCheck() throws Exception {
        Path backups = Files.createDirectory(dir.resolve("backups"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(backups.resolve("out"), elsewhere);
        Files.createDirectory(backups.resolve("in"));
        BackupPaths p = new BackupPaths(backups, List.of());
        refused(p, backups.resolve("out/a.sql"), "is not in one");
        refused(p, Path.of(backups + "/in/../../a.sql"), "is not in one");
        refused(p, Path.of(backups + "/in/.."), "not a folder");
        assertThat(p.check(Path.of(backups + "/in/../b.sql"))).isEqualTo(backups.toRealPath().resolve("b.sql"));
        refused(p, Path.of("a.sql"), "absolute");
    }

    @Test
    void anythingAlreadyAtThePathIsRefusedEvenADanglingLink() throws Exception {
        Path backups = Files.createDirectory(dir.resolve("backups"));
        Files.createSymbolicLink(backups.resolve("l.sql"), dir.resolve("nowhere.sql"));
        Files.writeString(backups.resolve("f.sql"), "x");
        BackupPaths p = new BackupPaths(backups, List.of());
        refused(p, backups.resolve("l.sql"), "already exists");
        refused(p, backups.resolve("f.sql"), "already exists");
        assertThat(dir.resolve("nowhere.sql")).doesNotExist();
    }

    private static void refused(BackupPaths p, Path f, String why) {
        assertThatThrownBy(() -> p.check(f)).as(f.toString()).isInstanceOf(CuspException.class)
                .hasMessageContaining(why)
                .satisfies(e -> assertThat(((CuspException) e).field()).isEqualTo("file"));
    }
}
