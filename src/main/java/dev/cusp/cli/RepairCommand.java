package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.RepairReport;
import dev.cusp.wire.RepairRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp repair [TENANT] --from SITE}: make every site match one peer, row by row. */
@Command(name = "repair", mixinStandardHelpOptions = true, description = "Check, then make every site match SITE:"
        + " each differing row is re-written (or deleted) at SITE, and replication carries the fix to the other"
        + " sites; then check again. Then every site fetches the practices' files it lacks, or holds corrupt, again from"
        + " a site that holds them good. SITE must be an active, reachable peer. Exit code 9 when rows still differ"
        + " or files are still missing or corrupt.")
public final class RepairCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "TENANT", description = "The tenant (default: all).")
    String tenant;
    @Option(names = "--from", required = true, paramLabel = "SITE", description = "The peer whose data is right.")
    String from;
    @Option(names = "--json", description = "Print the result as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        RepairRequest body = new RepairRequest(tenant, from);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post("/api/v1/admin/group/repair", body);
        if (!json) {
            out.printf("Repairing %s from %s:%n", tenant == null ? "every tenant" : tenant, from);
        }
        JsonNode raw = JobWatcher.follow(client, job, null, out, json).result();
        RepairReport r = AdminClient.read(raw, RepairReport.class);
        if (!json) {
            out.println("Before:");
            CheckReports.print(out, r.before());
            out.printf("Re-wrote %,d row(s) and deleted %,d at %s.%n", r.rowsRewritten(), r.rowsDeleted(), r.from());
            for (RepairReport.NotRepaired n : r.notRepaired()) {
                out.printf("Not repaired: %s.%s (%s)%n", n.database(), n.table(), n.reason());
            }
            out.println("After:");
            CheckReports.print(out, r.after());
        }
        // Files: each site fetches its missing and corrupt ones again from a site that holds them good.
        JsonNode mended = FileCheck.run(client, "repair", tenant, out, json);
        JsonNode files = FileCheck.run(client, "check", tenant, out, json);
        if (json) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) raw).set("documents_repair", mended);
            ((com.fasterxml.jackson.databind.node.ObjectNode) raw).set("documents", files);
            Output.json(out, raw);
        } else {
            out.println("Files repaired:");
            FileCheck.print(out, mended);
            out.println("Files after:");
            FileCheck.print(out, files);
        }
        return r.clean() && FileCheck.read(files).clean() ? 0 : CheckReports.DIFFERENCES;
    }
}
