package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp conflicts [TENANT]}: the replication conflicts, with both versions of each row. */
@Command(name = "conflicts", mixinStandardHelpOptions = true, subcommands = ConflictRestore.class,
        description = "List the replication conflicts of TENANT (default: every tenant), the whole group's: the"
                + " table and row, both versions (the fields that differ), which won and by which rule."
                + " 'cusp conflicts restore TENANT ID' writes the losing version back.")
public final class ConflictsCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "TENANT", description = "The tenant (default: all).")
    String tenant;
    @Option(names = "--json", description = "Print the conflicts as JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode r = client.get("/api/v1/admin/conflicts" + (tenant == null ? ""
                : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, r);
            return 0;
        }
        for (JsonNode u : r.path("unreadable")) {
            out.printf("%s: conflicts not listed: %s%n", u.path("tenant").asText(), u.path("reason").asText());
        }
        if (r.path("count").asInt() == 0) {
            out.println("No replication conflicts" + (tenant == null ? "." : " in " + tenant + "."));
            return 0;
        }
        for (JsonNode c : r.path("conflicts")) {
            JsonNode local = c.path("local");
            JsonNode in = c.path("incoming");
            out.printf("%s %d  %s  %s %s  %s  detected at %s %s  [%s]%n", c.path("tenant").asText(),
                    c.path("id").asLong(), c.path("kind").asText(), c.path("table").asText(),
                    c.path("row_id").asText(), c.path("winner").asText().equals("local")
                            ? local.path("site").asText() + " won" : in.path("site").asText() + " won",
                    c.path("detected_site").asText(), c.path("detected_at").asText(), c.path("status").asText());
            out.printf("    rule: %s%n", c.path("rule").asText());
            TreeSet<String> fields = new TreeSet<>();
            local.path("image").fieldNames().forEachRemaining(fields::add);
            in.path("image").fieldNames().forEachRemaining(fields::add);
            out.printf("    %-20s %-28s %s%n", "field", local.path("site").asText() + " (" + local.path("change")
                    .asText() + ")", in.path("site").asText() + " (" + in.path("change").asText() + ")");
            for (String f : fields) {
                String a = text(local.path("image").get(f));
                String b = text(in.path("image").get(f));
                if (!a.equals(b)) {
                    out.printf("    %-20s %-28s %s%n", f, a, b);
                }
            }
            if (!"restored".equals(c.path("status").asText())) {
                out.printf("    restore the losing version: cusp conflicts restore %s %d%n", c.path("tenant").asText(),
                        c.path("id").asLong());
            }
        }
        return 0;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "NULL" : n.asText();
    }
}
