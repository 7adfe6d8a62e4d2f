package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.Tenants;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp tenant list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the practices: name, id, schema version, size, status.")
public final class TenantList implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode raw = AdminClient.connect(home.site()).get("/api/v1/admin/tenants");
        Tenants r = AdminClient.read(raw, Tenants.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
        } else if (r.tenants().isEmpty()) {
            out.println("No tenants yet: create one with './cusp tenant create NAME --id N'.");
        } else {
            Output.tenantTable(out, r.tenants());
        }
        return 0;
    }
}
