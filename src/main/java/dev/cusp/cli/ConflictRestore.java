package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.wire.ConflictRestored;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp conflicts restore TENANT ID}: write a conflict's losing version back, everywhere. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Write the losing version of conflict ID"
        + " back at this site as a normal change, so replication carries it to every site, and mark the conflict"
        + " restored (written to the practice's security log).")
public final class ConflictRestore implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant.")
    String tenant;
    @Parameters(index = "1", paramLabel = "ID", description = "The conflict's id, as 'cusp conflicts' lists it.")
    String id;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!id.matches("[0-9]{1,18}")) {
            throw CuspException.invalid("id", "a conflict id is a number, as 'cusp conflicts " + tenant
                    + "' lists them; got '" + id + "'");
        }
        AdminClient client = AdminClient.connect(home.site());
        JsonNode raw = client.post("/api/v1/admin/conflicts/" + TenantPaths.segment(tenant) + "/" + id + "/restore",
                Map.of());
        ConflictRestored r = AdminClient.read(raw, ConflictRestored.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
        } else {
            out.printf("Conflict %s of %s restored: %s%n", id, tenant, r.restored());
        }
        return 0;
    }
}
