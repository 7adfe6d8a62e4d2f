package dev.cusp.cli;

import dev.cusp.error.CuspException;
import dev.cusp.wire.TenantDropped;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant drop NAME --yes [--no-backup]}. */
@Command(name = "drop", mixinStandardHelpOptions = true, description = "Delete a practice's databases and user. Keeps a final backup file and its"
        + " documents unless --no-backup.")
public final class TenantDrop implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--yes", description = "Confirm: this deletes the practice's data.")
    boolean yes;
    @Option(names = "--no-backup", description = "Do not keep a final backup (the data is gone for good).")
    boolean noBackup;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TenantPaths.segment(name);
        if (!yes) {
            throw CuspException.invalid("yes", "dropping tenant '" + name + "' deletes its databases; add --yes to"
                    + " confirm");
        }
        TenantDropped r = AdminClient.connect(home.site()).delete("/api/v1/admin/tenants/" + name
                + "?confirm=yes&backup=" + !noBackup, TenantDropped.class);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Tenant " + name + " dropped (databases " + Output.compact(r.droppedDatabases()) + ").");
        if (r.finalBackup() != null) {
            out.println("  final backup    " + r.finalBackup());
            out.println("  documents kept  " + r.documentsKept());
        }
        return 0;
    }
}
