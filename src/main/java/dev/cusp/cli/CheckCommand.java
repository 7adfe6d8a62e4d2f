package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.CheckReport;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
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
        + " the rows that differ. Exit code 9 when some differ.")
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
        Map<String, Object> body = new HashMap<>();
        body.put("tenant", tenant);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post("/api/v1/admin/group/check", body);
        if (!json) {
            out.printf("Checking %s across the group:%n", tenant == null ? "every tenant" : tenant);
        }
        JsonNode raw = JobWatcher.follow(client, job, null, out, json).result();
        CheckReport r = AdminClient.read(raw, CheckReport.class);
        if (json) {
            Output.json(out, raw);
        } else {
            CheckReports.print(out, r);
            if (!r.clean()) {
                out.printf("To make every site match one peer: cusp repair%s --from SITE%n",
                        tenant == null ? "" : " " + tenant);
            }
        }
        return r.clean() ? 0 : CheckReports.DIFFERENCES;
    }
}
