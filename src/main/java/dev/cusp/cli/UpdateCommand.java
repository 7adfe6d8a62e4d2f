package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.UpdateRequest;
import dev.cusp.wire.UpdateSiteChanged;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp update}: migrate every tenant to this build's newest schema, across the whole group. */
@Command(name = "update", mixinStandardHelpOptions = true, description = "At the group's update site: check that"
        + " every link is healthy and caught up and nothing is fenced, back up every tenant at every site (not"
        + " replicated), migrate each tenant once (the migration replicates), verify every site, then resume."
        + " --designate SITE hands the update site role to another peer.")
public final class UpdateCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--designate", paramLabel = "SITE", description = "Make SITE the group's update site (run at"
            + " the current update site).")
    String designate;
    @Option(names = "--json", description = "Print the result as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        PrintWriter out = spec.commandLine().getOut();
        UpdateRequest body = new UpdateRequest(designate);
        if (designate != null) {
            JsonNode raw = client.post("/api/v1/admin/update", body);
            UpdateSiteChanged r = AdminClient.read(raw, UpdateSiteChanged.class);
            if (json) {
                Output.json(out, raw);
            } else {
                out.printf("Site %s is now the group's update site.%n", r.updateSite());
            }
            return 0;
        }
        JsonNode job = client.post("/api/v1/admin/update", body);
        return TenantUpdate.follow(client, job, out, json, "Updating every tenant");
    }
}
