package dev.cusp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupRequest;
import dev.cusp.backup.BackupSummary;
import dev.cusp.base.JsonMapping;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp backup now TENANT|--all}. */
@Command(name = "now", mixinStandardHelpOptions = true, description = "Back up TENANT now (or every practice in turn"
        + " with --all), in the backup folder, as the schedule does; kept until deleted (retention deletes only"
        + " scheduled backups).")
public final class BackupNow implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @ArgGroup(multiplicity = "1")
    Which which;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    /** One tenant, or all. */
    static final class Which {
        @Parameters(index = "0", paramLabel = "TENANT")
        String tenant;
        @Option(names = "--all", description = "Every practice, one after the other.")
        boolean all;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        AdminClient client = AdminClient.connect(home.site());
        PrintWriter out = spec.commandLine().getOut();
        JsonNode r = client.post("/api/v1/admin/backups", new BackupRequest(which.tenant, which.all ? true : null,
                null));
        if (which.all) {
            JsonNode result = JobWatcher.follow(client, r, null, out, json).path("result");
            if (json) {
                Output.json(out, result);
            } else {
                BackupVerify.outcomes(out, result);
            }
            return BackupVerify.allOk(result) ? 0 : 1;
        }
        if (json) {
            Output.json(out, r);
            return 0;
        }
        BackupSummary b = JsonMapping.MAPPER.treeToValue(r, BackupSummary.class);
        out.println("Backed up " + b.tenant() + ": backup " + b.id() + ", " + Output.size(b.bytes()) + " in "
                + b.elapsedMillis() + " ms (writers held " + b.lockMillis() + " ms), " + b.folder());
        return 0;
    }
}
