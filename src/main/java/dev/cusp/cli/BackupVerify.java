package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp backup verify TENANT [--backup ID] | --all}. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Verification drill: load TENANT's newest"
        + " backup (or --backup ID; --all: every practice's newest) into a scratch database, check every file"
        + " against its manifest, run the maintenance checks and count every table's rows against the manifest,"
        + " drop the copy and record the result on the backup. Exit code 9 when a drill fails.")
public final class BackupVerify implements Callable<Integer> {
    /** Exit code of a failed drill: a finding, as {@code cusp check}'s differences. */
    static final int FAILED = 9;
    @Mixin
    HomeOption home;
    @ArgGroup(multiplicity = "1")
    Which which;
    @Option(names = "--backup", paramLabel = "ID", description = "This backup of TENANT (see cusp backup list).")
    String backup;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    /** One tenant, or all. */
    static final class Which {
        @Parameters(index = "0", paramLabel = "TENANT")
        String tenant;
        @Option(names = "--all", description = "Every practice's newest backup, one after the other.")
        boolean all;
    }

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post("/api/v1/admin/backups/verify", new BackupRequest(which.tenant,
                which.all ? true : null, backup));
        JsonNode r = JobWatcher.follow(client, job, null, out, json).path("result");
        if (json) {
            Output.json(out, r);
        } else if (which.all) {
            outcomes(out, r);
        } else if (r.path("ok").asBoolean()) {
            out.println("Verified " + which.tenant + ": every file matches its manifest, " + r.path("rows").size()
                    + " tables hold the recorded rows, the maintenance checks ran (" + r.path("elapsed_millis").asLong()
                    + " ms).");
        } else {
            out.println("Backup of " + which.tenant + " FAILED its drill:");
            r.path("problems").forEach(p -> out.println("  " + p.asText()));
        }
        boolean ok = which.all ? allOk(r) : r.path("ok").asBoolean();
        return ok ? 0 : FAILED;
    }

    static boolean allOk(JsonNode outcomes) {
        for (JsonNode o : outcomes) {
            if (!o.path("ok").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    static void outcomes(PrintWriter out, JsonNode outcomes) {
        for (JsonNode o : outcomes) {
            out.printf("%-20s %-18s %s%n", o.path("tenant").asText(), o.path("backup").isNull() ? "-"
                    : o.path("backup").asText(), o.path("ok").asBoolean() ? (o.path("error").isNull() ? "ok"
                    : o.path("error").asText()) : "FAILED: " + o.path("error").asText());
        }
    }
}
