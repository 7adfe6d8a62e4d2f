package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.sampledata.PracticeDataGenerator;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.SeedDataDone;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/admin/tenants/{name}/seed-data {"patients": N, "seed": S}}: fills an empty
 * practice with a generated sample practice and answers the rows written per table. Kept apart
 * from {@link AdminRoutes} so that file only gains the one line that registers it.
 */
final class SeedDataRoute {
    static final long DEFAULT_SEED = 1;

    private SeedDataRoute() {
    }

    static void handle(Context ctx, TenantService tenants) {
        String name = ctx.pathParam("name");
        JsonNode b = Json.body(ctx);
        Json.only(b, "patients", "seed");
        Integer patients = null;
        JsonNode p = b.get("patients");
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToInt()) {
                throw CuspException.invalid("patients", "patients must be a whole number from 1 to "
                        + PracticeDataGenerator.MAX_PATIENTS);
            }
            patients = p.asInt();
        }
        long seed = DEFAULT_SEED;
        JsonNode s = b.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw CuspException.invalid("seed", "seed must be a whole number (any 64-bit integer)");
            }
            seed = s.asLong();
        }
        PracticeDataGenerator.Result r = tenants.seedData(name, patients, seed);
        ctx.json(new SeedDataDone(name, patients, seed, r.rows(), r.totalRows(), r.elapsedMs()));
    }
}
