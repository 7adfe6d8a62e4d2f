package dev.cusp.cli;

import dev.cusp.wire.BackupDone;
import dev.cusp.wire.BackupRequest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant backup NAME [--to-file [--file F]]}. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Consistent copy into bak_NAME_ID_<timestamp>, or into an SQL file."
        + " Backups are not replicated.")
public final class TenantBackup implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--to-file", description = "Write an SQL file in the site's backups folder.")
    boolean toFile;
    @Option(names = "--file", paramLabel = "FILE", description = "Write this new SQL file, in the site's backups folder (or one the setting"
            + " backup.paths.allowed lists).")
    Path file;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BackupRequest body = new BackupRequest(toFile || file != null, file == null ? null
                : file.toAbsolutePath().toString());
        BackupDone r = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name)
                + "/backup", body, BackupDone.class);
        spec.commandLine().getOut().println("Backed up " + name + " to " + (r.database() == null
                ? "file " + r.file() : "database " + r.database()) + (r.documents() == null ? ""
                : ", its document files to " + r.documents() + " (manifest.sha256 lists them)") + ".");
        return 0;
    }
}
