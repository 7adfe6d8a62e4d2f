package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant show NAME}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one practice.")
public final class TenantShow implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode t = AdminClient.connect(home.site()).get("/api/v1/admin/tenants/" + TenantPaths.segment(name));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, t);
            return 0;
        }
        out.printf("Tenant %s (id %d): %s%n", t.path("name").asText(), t.path("id").asInt(), t.path("status").asText());
        out.printf("  database     %s (user %s), schema version %s, %s%n", t.path("database").asText(),
                t.path("db_user").asText(), t.path("schema_version").asText(), Output.size(t.path("size_bytes")
                        .asLong()));
        out.printf("  databases    %s%n", t.path("databases").toString());
        out.printf("  documents    %s%n", t.path("documents").asText());
        out.printf("  created      %s%n", t.path("created_at").asText());
        return 0;
    }
}
