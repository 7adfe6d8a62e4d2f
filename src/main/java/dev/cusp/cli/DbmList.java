package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp dbm list}: every maintenance method, what it finds and fixes, and whether it is replication-safe. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the maintenance methods: what each"
        + " finds, what its fix does, and whether the fix is safe under replication (and why not).")
public final class DbmList implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--json", description = "Print the methods as JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode r = AdminClient.connect(home.site()).get("/api/v1/admin/dbm/methods");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, r);
            return 0;
        }
        int unsafe = 0;
        for (JsonNode m : r.path("methods")) {
            boolean safe = m.path("replication_safe").asBoolean();
            unsafe += safe ? 0 : 1;
            out.printf("%-38s %s%n", m.path("name").asText(), safe ? "safe" : "UNSAFE under replication");
            out.printf("    finds: %s%n    fix:   %s%n", m.path("finds").asText(), m.path("fixes").asText());
            if (!safe) {
                out.printf("    why unsafe: %s%n", m.path("safety").asText());
            }
        }
        out.printf("%d methods, %d not safe under replication (their fix needs --allow-unsafe).%n",
                r.path("methods").size(), unsafe);
        return 0;
    }
}
