package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The arguments backup now/verify and import/export-documents share through their mixins parse as before. */
class SharedArgumentsTest {
    @Test
    void backupNowAndVerifyTakeATenantOrAllAndJson() {
        BackupVerify v = new BackupVerify();
        new CommandLine(v).parseArgs("acme", "--backup", "b1", "--json", "--home", "h");
        assertThat(v.target.tenant()).isEqualTo("acme");
        assertThat(v.target.all()).isFalse();
        assertThat(v.target.json).isTrue();
        assertThat(v.backup).isEqualTo("b1");
        assertThat(v.target.home.site().dir()).isEqualTo(Path.of("h").toAbsolutePath());
        assertThat(v.target.request(v.backup).backup()).isEqualTo("b1");

        BackupNow n = new BackupNow();
        new CommandLine(n).parseArgs("--all");
        assertThat(n.target.all()).isTrue();
        assertThat(n.target.request(null).all()).isTrue();
        assertThat(n.target.request(null).tenant()).isNull();

        assertThatThrownBy(() -> new CommandLine(new BackupNow()).parseArgs("acme", "--all"))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> new CommandLine(new BackupVerify()).parseArgs())
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThat(new CommandLine(new BackupVerify()).getUsageMessage()).contains("TENANT").contains("--all")
                .contains("--backup=ID").contains("--json").contains("--home=DIR");
    }

    @Test
    void importAndExportDocumentsTakeNameAndDir() {
        TenantImportDocuments i = new TenantImportDocuments();
        new CommandLine(i).parseArgs("acme", "/srv/az", "--home", "h");
        assertThat(i.folder.name).isEqualTo("acme");
        assertThat(i.folder.dir).isEqualTo(Path.of("/srv/az"));
        TenantExportDocuments e = new TenantExportDocuments();
        new CommandLine(e).parseArgs("acme", "out");
        assertThat(e.folder.dir).isEqualTo(Path.of("out"));
        assertThatThrownBy(() -> new CommandLine(new TenantExportDocuments()).parseArgs("acme"))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThat(new CommandLine(new TenantImportDocuments()).getUsageMessage()).contains("NAME").contains("DIR")
                .contains("--home=DIR");
    }
}
