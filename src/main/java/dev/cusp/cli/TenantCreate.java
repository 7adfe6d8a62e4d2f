package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.NewTenant;
import dev.cusp.wire.TenantCreated;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant create NAME --id N}. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a practice: database od_NAME_ID, its own database user, schema,"
        + " document folder and first practice administrator.")
public final class TenantCreate implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME", description = "Lowercase letters and digits, e.g. springfield.")
    String name;
    @Option(names = "--id", required = true, paramLabel = "N", description = "The practice's number, 1 to 999999999.")
    int id;
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode raw = client.post("/api/v1/admin/tenants", new NewTenant(name, id));
        TenantCreated t = AdminClient.read(raw, TenantCreated.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        out.printf("Tenant %s created (schema version %s).%n", t.name(), t.schemaVersion());
        out.printf("  database        %s on %s:%s%n", t.database(), t.dbHost(), t.dbPort());
        out.printf("  database user   %s  password %s%n", t.dbUser(), t.dbPassword());
        out.printf("  practice admin  %s  password %s%n", t.adminUser(), t.adminPassword());
        out.printf("  documents       %s%n", t.documents());
        out.println("The passwords are shown only now; the site keeps the database password encrypted.");
        out.printf("Practice API: %s/api/v1/t/%s/login%n", client.url(), t.name());
        return 0;
    }
}
