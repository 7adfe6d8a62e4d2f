package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("id", id);
        AdminClient client = AdminClient.connect(home.site());
        JsonNode t = client.post("/api/v1/admin/tenants", body);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, t);
            return 0;
        }
        out.printf("Tenant %s created (schema version %s).%n", t.path("name").asText(), t.path("schema_version")
                .asText());
        out.printf("  database        %s on %s:%s%n", t.path("database").asText(), t.path("db_host").asText(),
                t.path("db_port").asText());
        out.printf("  database user   %s  password %s%n", t.path("db_user").asText(), t.path("db_password").asText());
        out.printf("  practice admin  %s  password %s%n", t.path("admin_user").asText(),
                t.path("admin_password").asText());
        out.printf("  documents       %s%n", t.path("documents").asText());
        out.println("The passwords are shown only now; the site keeps the database password encrypted.");
        out.printf("Practice API: %s/api/v1/t/%s/login%n", client.url(), t.path("name").asText());
        return 0;
    }
}
