package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.DbmCheckReport;
import dev.cusp.wire.DbmCheckRequest;
import dev.cusp.wire.DbmMethodReport;
import dev.cusp.wire.DbmSiteResult;
import dev.cusp.wire.DbmTenantReport;
import dev.cusp.wire.LeftOut;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp dbm check [TENANT] [--all-sites]}: run every method, here or at every site, and compare. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Run the maintenance checks for TENANT"
        + " (default: every tenant) at this site, or with --all-sites at every active site of the group at an"
        + " aligned GTID position, and print per method each site's result and whether they agree. Exit code 9"
        + " when the sites differ for some method or a site could not be compared.")
public final class DbmCheck implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "TENANT", description = "The tenant (default: all).")
    String tenant;
    @Option(names = "--all-sites", description = "Check at every active site of the group and compare.")
    boolean allSites;
    @Option(names = "--method", paramLabel = "METHOD", description = "Only this method (repeatable).")
    List<String> methods;
    @Option(names = "--json", description = "Print the report as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        DbmCheckRequest body = new DbmCheckRequest(allSites, methods);
        String path = "/api/v1/admin/dbm/check";
        if (tenant != null) {
            path = "/api/v1/admin/tenants/" + TenantPaths.segment(tenant) + "/dbm/check";
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post(path, body);
        if (!json) {
            out.printf("Database maintenance check of %s%s:%n", tenant == null ? "every tenant" : tenant,
                    allSites ? " at every site" : " at this site");
        }
        JsonNode raw = JobWatcher.follow(client, job, null, out, json).result();
        DbmCheckReport r = AdminClient.read(raw, DbmCheckReport.class);
        if (json) {
            Output.json(out, raw);
        } else {
            print(out, r);
        }
        return r.agree() ? 0 : CheckReports.DIFFERENCES;
    }

    /** Per tenant, every method that finds something or does not agree: each site's count, and the verdict. */
    static void print(PrintWriter out, DbmCheckReport r) {
        List<String> sites = r.sites();
        for (LeftOut s : r.sitesMissing()) {
            out.printf("Not compared: site %s (%s)%n", s.site(), s.reason());
        }
        for (DbmTenantReport t : r.tenants()) {
            String name = t.tenant();
            if (t.skipped() != null) {
                out.printf("%s: not checked (%s)%n", name, t.skipped());
                continue;
            }
            out.printf("%s (%d methods at %s):%n", name, t.methods().size(), String.join(", ", sites));
            int quiet = 0;
            for (DbmMethodReport m : t.methods()) {
                String state = m.state();
                StringBuilder counts = new StringBuilder();
                boolean any = false;
                for (var e : m.results().entrySet()) {
                    DbmSiteResult f = e.getValue();
                    long count = f.count() == null ? 0 : f.count();
                    any |= count > 0;
                    counts.append(String.format("  %s %s", e.getKey(), f.error() != null ? "UNREACHABLE"
                            : Long.toString(count)));
                }
                if (!any && state.equals("agree")) {
                    quiet++;
                    continue;
                }
                String verdict = switch (state) {
                    case "agree" -> "agree";
                    case "differ" -> "DIFFER (" + String.join(", ", m.differingSites()) + ")";
                    default -> "NOT COMPARED (a site did not answer)";
                };
                out.printf("  %-38s %-8s%s  %s%n", m.method(), m.replicationSafe() ? "" : "[unsafe]", counts,
                        verdict);
            }
            String where = sites.size() > 1 ? " at any site" : "";
            if (quiet == t.methods().size()) {
                out.printf("  all %d method(s) find nothing%s.%n", quiet, where);
            } else if (quiet > 0) {
                out.printf("  %d other method(s) find nothing%s.%n", quiet, where);
            }
        }
        if (r.differing() > 0) {
            out.println("Sites that differ hold different data: 'cusp check TENANT' names the rows, 'cusp repair' or"
                    + " 'cusp reseed SITE' mends them; do not fix those methods.");
        }
        if (r.rowsFound() > 0) {
            String t = r.tenants().size() == 1 ? r.tenants().get(0).tenant() : "TENANT";
            out.println("Fix what every site agrees on, at one site only: cusp dbm fix --tenant " + t + " METHOD..."
                    + " (methods marked [unsafe] also need --allow-unsafe)");
        }
    }
}
