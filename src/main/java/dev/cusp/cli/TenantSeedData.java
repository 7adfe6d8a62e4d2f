package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.SeedDataDone;
import dev.cusp.wire.SeedDataRequest;
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

/** {@code cusp tenant seed-data NAME --patients N [--seed S]}. */
@Command(name = "seed-data", mixinStandardHelpOptions = true, description = "Fill an empty practice with a generated,"
        + " realistic sample practice (families, providers, fees, plans, years of appointments and procedures,"
        + " documents). The same seed and size give the same rows. 50000 patients make about a million procedures.")
public final class TenantSeedData implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Option(names = "--patients", required = true, paramLabel = "N", description = "How many patients, 1 to 200000.")
    int patients;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode raw = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name)
                + "/seed-data", new SeedDataRequest(patients, seed));
        SeedDataDone r = AdminClient.read(raw, SeedDataDone.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        out.printf("Seeded %s with %d patients (seed %d): %d rows in %.1f s.%n", name, patients, seed, r.totalRows(),
                r.elapsedMs() / 1000.0);
        r.rows().forEach((table, n) -> out.printf("  %-16s %,10d%n", table, n));
        return 0;
    }
}
