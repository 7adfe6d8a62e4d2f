package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupRequest;
import dev.cusp.backup.BackupService;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code cusp backup now} and {@code cusp backup verify} act on: TENANT or {@code --all},
 * the site's folder and {@code --json}; and how both show a run over every practice.
 */
final class BackupTarget {
    @Mixin
    HomeOption home;
    @ArgGroup(multiplicity = "1")
    Which which;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** One tenant, or all. */
    static final class Which {
        @Parameters(index = "0", paramLabel = "TENANT")
        String tenant;
        @Option(names = "--all", description = "Every practice, one after the other.")
        boolean all;
    }

    boolean all() {
        return which.all;
    }

    String tenant() {
        return which.tenant;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The request for the site; {@code backup}: one backup of the tenant, or null. */
    BackupRequest request(String backup) {
        return new BackupRequest(which.tenant, which.all ? true : null, backup);
    }

    /** Follows a run over every practice, prints each one's outcome; true when all went well. */
    boolean followAll(AdminClient client, JsonNode job) {
        PrintWriter out = out();
        JsonNode result = JobWatcher.follow(client, job, null, out, json).result();
        if (json) {
            Output.json(out, result);
        }
        List<BackupService.Outcome> outcomes = List.of(AdminClient.read(result, BackupService.Outcome[].class));
        if (!json) {
            for (BackupService.Outcome o : outcomes) {
                out.printf("%-20s %-18s %s%n", o.tenant(), o.backup() == null ? "-" : o.backup(), o.ok()
                        ? (o.error() == null ? "ok" : o.error()) : "FAILED: " + o.error());
            }
        }
        return outcomes.stream().allMatch(BackupService.Outcome::ok);
    }
}
