package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("all_sites", allSites);
        if (methods != null) {
            body.put("methods", methods);
        }
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
        JsonNode r = JobWatcher.follow(client, job, null, out, json).result();
        if (json) {
            Output.json(out, r);
        } else {
            print(out, r);
        }
        return r.path("agree").asBoolean() ? 0 : CheckReports.DIFFERENCES;
    }

    /** Per tenant, every method that finds something or does not agree: each site's count, and the verdict. */
    static void print(PrintWriter out, JsonNode r) {
        List<String> sites = new ArrayList<>();
        r.path("sites").forEach(s -> sites.add(s.asText()));
        for (JsonNode s : r.path("sites_missing")) {
            out.printf("Not compared: site %s (%s)%n", s.path("site").asText(), s.path("reason").asText());
        }
        for (JsonNode t : r.path("tenants")) {
            String name = t.path("tenant").asText();
            if (t.has("skipped")) {
                out.printf("%s: not checked (%s)%n", name, t.path("skipped").asText());
                continue;
            }
            out.printf("%s (%d methods at %s):%n", name, t.path("methods").size(), String.join(", ", sites));
            int quiet = 0;
            for (JsonNode m : t.path("methods")) {
                String state = m.path("state").asText();
                StringBuilder counts = new StringBuilder();
                boolean any = false;
                for (var e : m.path("results").properties()) {
                    JsonNode f = e.getValue();
                    any |= f.path("count").asLong() > 0;
                    counts.append(String.format("  %s %s", e.getKey(), f.has("error") ? "UNREACHABLE"
                            : Long.toString(f.path("count").asLong())));
                }
                if (!any && state.equals("agree")) {
                    quiet++;
                    continue;
                }
                String verdict = switch (state) {
                    case "agree" -> "agree";
                    case "differ" -> "DIFFER (" + join(m.path("differing_sites")) + ")";
                    default -> "NOT COMPARED (a site did not answer)";
                };
                out.printf("  %-38s %-8s%s  %s%n", m.path("method").asText(),
                        m.path("replication_safe").asBoolean() ? "" : "[unsafe]", counts, verdict);
            }
            String where = sites.size() > 1 ? " at any site" : "";
            if (quiet == t.path("methods").size()) {
                out.printf("  all %d method(s) find nothing%s.%n", quiet, where);
            } else if (quiet > 0) {
                out.printf("  %d other method(s) find nothing%s.%n", quiet, where);
            }
        }
        if (r.path("differing").asInt() > 0) {
            out.println("Sites that differ hold different data: 'cusp check TENANT' names the rows, 'cusp repair' or"
                    + " 'cusp reseed SITE' mends them; do not fix those methods.");
        }
        if (r.path("rows_found").asLong() > 0) {
            String t = r.path("tenants").size() == 1 ? r.path("tenants").get(0).path("tenant").asText() : "TENANT";
            out.println("Fix what every site agrees on, at one site only: cusp dbm fix --tenant " + t + " METHOD..."
                    + " (methods marked [unsafe] also need --allow-unsafe)");
        }
    }

    static String join(JsonNode names) {
        List<String> l = new ArrayList<>();
        names.forEach(n -> l.add(n.asText()));
        return String.join(", ", l);
    }
}
