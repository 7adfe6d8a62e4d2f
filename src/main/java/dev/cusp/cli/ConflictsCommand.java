package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.ConflictList;
import dev.cusp.wire.ConflictVersion;
import dev.cusp.wire.ConflictView;
import dev.cusp.wire.Row;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
        JsonNode raw = client.get("/api/v1/admin/conflicts" + (tenant == null ? ""
                : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)));
        ConflictList r = AdminClient.read(raw, ConflictList.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        for (ConflictList.Unreadable u : r.unreadable() == null ? List.<ConflictList.Unreadable>of() : r.unreadable()) {
            out.printf("%s: conflicts not listed: %s%n", u.tenant(), u.reason());
        }
        if (r.count() == 0) {
            out.println("No replication conflicts" + (tenant == null ? "." : " in " + tenant + "."));
            return 0;
        }
        for (ConflictView c : r.conflicts()) {
            ConflictVersion local = c.local();
            ConflictVersion in = c.incoming();
            out.printf("%s %d  %s  %s %s  %s  detected at %s %s  [%s]%n", c.tenant(), c.id(), c.kind(), c.table(),
                    c.rowId(), "local".equals(c.winner()) ? local.site() + " won" : in.site() + " won",
                    c.detectedSite(), c.detectedAt(), c.status());
            out.printf("    rule: %s%n", c.rule());
            Row a = local.image() == null ? new Row(Map.of()) : local.image();
            Row b = in.image() == null ? new Row(Map.of()) : in.image();
            TreeSet<String> fields = new TreeSet<>(a.names());
            fields.addAll(b.names());
            out.printf("    %-20s %-28s %s%n", "field", local.site() + " (" + local.change() + ")",
                    in.site() + " (" + in.change() + ")");
            for (String f : fields) {
                String x = text(a.get(f));
                String y = text(b.get(f));
                if (!x.equals(y)) {
                    out.printf("    %-20s %-28s %s%n", f, x, y);
                }
            }
            if (!ConflictView.RESTORED.equals(c.status())) {
                out.printf("    restore the losing version: cusp conflicts restore %s %d%n", c.tenant(), c.id());
            }
        }
        return 0;
    }

    private static String text(Object v) {
        return v == null ? "NULL" : String.valueOf(v);
    }
}
