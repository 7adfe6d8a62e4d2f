package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.TenantDetail;
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
        JsonNode raw = AdminClient.connect(home.site()).get("/api/v1/admin/tenants/" + TenantPaths.segment(name));
        TenantDetail t = AdminClient.read(raw, TenantDetail.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        out.printf("Tenant %s (id %d): %s%n", t.name(), t.id(), t.status());
        out.printf("  database     %s (user %s), schema version %s, %s%n", t.database(), t.dbUser(), t.schemaVersion(),
                Output.size(t.sizeBytes()));
        out.printf("  databases    %s%n", Output.compact(t.databases()));
        out.printf("  documents    %s%n", t.documents());
        out.printf("  created      %s%n", t.createdAt());
        return 0;
    }
}
