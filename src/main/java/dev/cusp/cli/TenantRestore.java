package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.restore.Restorer;
import dev.cusp.wire.RestoreRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant restore NAME (--to TIME | --backup ID) [--as NEWNAME]}. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a practice to a moment: its newest"
        + " backup before it, then its own transactions up to it. The practice answers 503 while it runs.")
public final class TenantRestore implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--to", paramLabel = "TIME", description = "The moment, UTC, e.g. 2026-12-03T14:01:00Z.")
    String to;
    @Option(names = "--backup", paramLabel = "ID", description = "Start from this backup (default: the newest before TIME).")
    String backup;
    @Option(names = "--as", paramLabel = "NEWNAME", description = "Restore into a new practice; the live one is unchanged.")
    String as;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode job = client.post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/restore",
                new RestoreRequest(to, backup, as));
        Restorer.Result r = AdminClient.read(JobWatcher.follow(client, job, null, spec.commandLine().getOut(), false)
                .result(), Restorer.Result.class);
        spec.commandLine().getOut().println("Restored " + name + (as == null ? "" : " as " + as) + " to " + r.to()
                + " from backup " + r.backup() + " (" + r.transactionsReplayed() + " transactions replayed).");
        if (r.schemaObjects() != null) {
            spec.commandLine().getOut().println("Note: " + r.schemaObjects() + ".");
        }
        return 0;
    }
}
