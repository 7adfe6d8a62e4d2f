package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.CheckRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp check [TENANT]}: compare every table at every active site of the group. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Compare TENANT's tables (default: every"
        + " tenant's) at every active site of the group, by chunked checksums at an aligned GTID position, and name"
        + " the rows that differ; then check that every site holds each file the practice's documents name, its"
        + " bytes hashing to its name. Exit code 9 when rows differ or files are missing or corrupt.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "TENANT", description = "The tenant (default: all).")
    String tenant;
    @Option(names = "--json", description = "Print the report as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        CheckRequest body = new CheckRequest(tenant);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post("/api/v1/admin/group/check", body);
        if (!json) {
            out.printf("Checking %s across the group:%n", tenant == null ? "every tenant" : tenant);
        }
        JsonNode raw = JobWatcher.follow(client, job, null, out, json).result();
        CheckReport r = AdminClient.read(raw, CheckReport.class);
        JsonNode files = FileCheck.run(client, "check", tenant, out, json);
        boolean clean = r.clean() && FileCheck.read(files).clean();
        if (json) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) raw).set("documents", files);
            Output.json(out, raw);
        } else {
            CheckReports.print(out, r);
            FileCheck.print(out, files);
            if (!clean) {
                out.printf("To make every site match one peer: cusp repair%s --from SITE%n",
                        tenant == null ? "" : " " + tenant);
            }
        }
        return clean ? 0 : CheckReports.DIFFERENCES;
    }
}
