package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp dbm fix --tenant T METHOD... [--site SITE] [--allow-unsafe]}: fix at one site only. */
@Command(name = "fix", mixinStandardHelpOptions = true, description = "Run the fixes of METHOD... for one tenant at"
        + " ONE site (default: this one) and let replication carry them. Refused for a method whose results differ"
        + " between sites, and for methods not safe under replication unless --allow-unsafe. Every fix and override"
        + " is written to the practice's security log. Exit code 9 when some site still finds rows afterwards.")
public final class DbmFix implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The practice to fix.")
    String tenant;
    @Parameters(arity = "1..*", paramLabel = "METHOD", description = "Methods to fix ('cusp dbm list').")
    List<String> methods;
    @Option(names = "--site", paramLabel = "SITE", description = "The writable peer that runs the fix (default: this"
            + " site).")
    String site;
    @Option(names = "--allow-unsafe", description = "Also run methods that are not safe under replication (logged).")
    boolean allowUnsafe;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("methods", methods);
        if (site != null) {
            body.put("site", site);
        }
        body.put("allow_unsafe", allowUnsafe);
        JsonNode r = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(tenant)
                + "/dbm/fix", body);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, r);
        } else {
            out.printf("Fixed %s at %s:%n", r.path("tenant").asText(), r.path("site").asText());
            for (JsonNode f : r.path("fixed")) {
                out.printf("  %-38s %s%n", f.path("method").asText(), f.has("note") ? f.path("note").asText()
                        : f.path("found").path("count").asLong() + " row(s) found, " + f.path("rows_changed").asLong()
                        + " row change(s)" + (f.path("unsafe_override").asBoolean() ? " (unsafe, override logged)" : ""));
            }
            out.println(r.path("clean").asBoolean() ? "Every site (" + DbmCheck.join(r.path("sites"))
                    + ") now finds nothing for these methods." : "Some site still finds rows or did not answer:"
                    + " run 'cusp dbm check " + r.path("tenant").asText() + " --all-sites'.");
        }
        return r.path("clean").asBoolean() ? 0 : CheckReports.DIFFERENCES;
    }
}
