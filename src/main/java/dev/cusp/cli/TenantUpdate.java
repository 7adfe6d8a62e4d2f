package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.UpdateResult;
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
        JsonNode raw = JobWatcher.follow(client, job, null, out, json).result();
        UpdateResult r = AdminClient.read(raw, UpdateResult.class);
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        r.updated().forEach((tenant, step) -> out.printf("  %s: V%s -> V%s%n", tenant, step.from(), step.to()));
        for (String s : r.skipped()) {
            out.println("  skipped " + s);
        }
        r.backups().forEach((site, b) -> out.printf("  backups at %s: %s%n", site, Output.compact(b)));
        out.printf("Done: every tenant updated is at V%s at every site.%n", r.targetVersion());
        return 0;
    }
}
