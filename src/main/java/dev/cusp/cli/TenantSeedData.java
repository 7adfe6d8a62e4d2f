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
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patients", patients);
        body.put("seed", seed);
        JsonNode r = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name)
                + "/seed-data", body);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, r);
            return 0;
        }
        out.printf("Seeded %s with %d patients (seed %d): %d rows in %.1f s.%n", name, patients, seed,
                r.path("total_rows").asLong(), r.path("elapsed_ms").asLong() / 1000.0);
        r.path("rows").properties().forEach(e -> out.printf("  %-16s %,10d%n", e.getKey(), e.getValue().asLong()));
        return 0;
    }
}
