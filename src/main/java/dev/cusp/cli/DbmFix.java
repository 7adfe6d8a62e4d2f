package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.DbmFixReport;
import dev.cusp.wire.DbmFixRequest;
import dev.cusp.wire.DbmFixed;
import java.io.PrintWriter;
import java.util.List;
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
        JsonNode raw = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(tenant)
                + "/dbm/fix", new DbmFixRequest(methods, site, allowUnsafe));
        DbmFixReport r = AdminClient.read(raw, DbmFixReport.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
        } else {
            out.printf("Fixed %s at %s:%n", r.tenant(), r.site());
            for (DbmFixed f : r.fixed()) {
                out.printf("  %-38s %s%n", f.method(), f.note() != null ? f.note()
                        : (f.found() == null ? 0 : f.found().count()) + " row(s) found, " + f.rowsChanged()
                        + " row change(s)" + (Boolean.TRUE.equals(f.unsafeOverride()) ? " (unsafe, override logged)"
                        : ""));
            }
            out.println(r.clean() ? "Every site (" + String.join(", ", r.sites())
                    + ") now finds nothing for these methods." : "Some site still finds rows or did not answer:"
                    + " run 'cusp dbm check " + r.tenant() + " --all-sites'.");
        }
        return r.clean() ? 0 : CheckReports.DIFFERENCES;
    }
}
