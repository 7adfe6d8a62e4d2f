package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.restore.Restorer;
import io.javalin.Javalin;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Point-in-time restore of one practice ({@code cusp tenant restore}): the request is checked at
 * once (practice, moment, backup: 4xx with the possible range), then the restore runs as a job.
 * The range route answers what {@code --to} may be.
 */
public final class RestoreRoutes {
    private static final String TENANT = "/api/v1/admin/tenants/{name}";
    private final Restorer restorer;
    private final Jobs jobs;

    public RestoreRoutes(Restorer restorer, Jobs jobs) {
        this.restorer = restorer;
        this.jobs = jobs;
    }

    void register(Javalin app) {
        app.post(TENANT + "/restore", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "to", "backup", "as");
            String to = Json.text(b, "to", false);
            String backup = Json.text(b, "backup", false);
            if (to == null && backup == null) {
                throw CuspException.invalid("to", "give the moment to restore to (to), a backup (backup), or both");
            }
            Restorer.Prepared p = restorer.prepare(new Restorer.Request(ctx.pathParam("name"), instant(to), backup,
                    Json.text(b, "as", false)));
            Job job = jobs.start("restore", j -> restorer.run(p, j::step));
            ctx.status(202).json(job.describe());
        });
        app.get(TENANT + "/restore/range", ctx -> Json.send(ctx, restorer.range(ctx.pathParam("name"))));
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw CuspException.invalid("to", "'" + s + "' is not a moment: give it as 2026-12-03T14:01:00Z");
        }
    }
}
