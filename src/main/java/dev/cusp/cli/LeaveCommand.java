package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.SiteLeft;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cusp leave}: this site leaves its replication group and keeps its data. */
@Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave the replication group: another"
        + " peer records the departure, every link to or from this site stops, and the remaining writers keep"
        + " their key offsets. This site keeps its data and stands alone.")
public final class LeaveCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode raw = AdminClient.connect(home.site()).post("/api/v1/admin/group/leave", null);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        SiteLeft r = AdminClient.read(raw, SiteLeft.class);
        out.printf("%s left its replication group%s and now stands alone, with its data.%n", r.site(),
                r.recordedBy() == null ? "" : " (recorded by " + r.recordedBy() + ")");
        return 0;
    }
}
