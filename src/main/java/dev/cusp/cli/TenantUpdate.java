package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant update NAME}: migrate one tenant in its own window, backed up first. */
@Command(name = "update", mixinStandardHelpOptions = true, description = "Back up NAME (at every site of the group,"
        + " not replicated), migrate it to this build's newest practice schema, verify every site, resume it. Other"
        + " tenants stay on their versions and keep working.")
public final class TenantUpdate implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--json", description = "Print the result as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode job = client.post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/update", Map.of());
        return follow(client, job, spec.commandLine().getOut(), json, "Updating tenant " + name);
    }

    /** Follows an update job and prints what it did. */
    static int follow(AdminClient client, JsonNode job, PrintWriter out, boolean json, String title) {
        if (!json) {
            out.println(title + ":");
        }
        JsonNode r = JobWatcher.follow(client, job, null, out, json).result();
        if (json) {
            Output.json(out, r);
            return 0;
        }
        r.path("updated").fields().forEachRemaining(e -> out.printf("  %s: V%s -> V%s%n", e.getKey(),
                e.getValue().path("from").asText(), e.getValue().path("to").asText()));
        for (JsonNode s : r.path("skipped")) {
            out.println("  skipped " + s.asText());
        }
        r.path("backups").fields().forEachRemaining(e -> out.printf("  backups at %s: %s%n", e.getKey(),
                e.getValue().toString()));
        out.printf("Done: every tenant updated is at V%s at every site.%n", r.path("target_version").asText());
        return 0;
    }
}
