package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.DbmMethod;
import dev.cusp.wire.DbmMethods;
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
        JsonNode raw = AdminClient.connect(home.site()).get("/api/v1/admin/dbm/methods");
        DbmMethods r = AdminClient.read(raw, DbmMethods.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        int unsafe = 0;
        for (DbmMethod m : r.methods()) {
            boolean safe = m.replicationSafe();
            unsafe += safe ? 0 : 1;
            out.printf("%-38s %s%n", m.name(), safe ? "safe" : "UNSAFE under replication");
            out.printf("    finds: %s%n    fix:   %s%n", m.finds(), m.fixes());
            if (!safe) {
                out.printf("    why unsafe: %s%n", m.safety());
            }
        }
        out.printf("%d methods, %d not safe under replication (their fix needs --allow-unsafe).%n",
                r.methods().size(), unsafe);
        return 0;
    }
}
