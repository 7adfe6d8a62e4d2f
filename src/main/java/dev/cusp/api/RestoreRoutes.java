package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.group.Member;
import dev.cusp.restore.RestoreGroup;
import dev.cusp.restore.Restorer;
import io.javalin.Javalin;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Point-in-time restore of one practice ({@code cusp tenant restore}): the request is checked at
 * once (practice, moment, backup: 4xx with the possible range), then the restore runs as a job.
 * The range route answers what {@code --to} may be.
 */
public final class RestoreRoutes implements RouteModule {
    private static final String TENANT = "/api/v1/admin/tenants/{name}";
    private static final String PEER = "/api/v1/peer/restore";

    /** A peer's answer to a restore order: done. */
    public record Applied(String tenant, String from) {
    }

    /** The restoring site asks another to hold the practice once its own hold ({@code fromGtid}) has arrived. */
    public record Hold(String tenant, String from, String fromGtid) {
    }

    /** A held site's answer: how far it has written, once the practice's connections there are cut. */
    public record Held(String tenant, @com.fasterxml.jackson.annotation.JsonProperty("gtid_binlog_pos") String gtidBinlogPos) {
    }
    private final Restorer restorer;
    private final Jobs jobs;

    public RestoreRoutes(Restorer restorer, Jobs jobs) {
        this.restorer = restorer;
        this.jobs = jobs;
    }

    @Override
    public void register(Javalin app) {
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
        }, ApiRole.ADMIN_WRITE);
        app.get(TENANT + "/restore/range", ctx -> Json.send(ctx, restorer.range(ctx.pathParam("name"))), ApiRole.ADMIN_READ);
        // Group restore: the restoring site orders each other site to fetch the restored practice
        // from it (its files, listed in its manifest) and swap it in.
        app.post(PEER + "/apply", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "from", "fromGtid");
            RestoreGroup.RestoreOrder o = new RestoreGroup.RestoreOrder(Json.text(b, "tenant", true),
                    Json.text(b, "from", true), Json.text(b, "fromGtid", false));
            Member caller = ctx.attribute(PeerAccess.CALLER);
            if (caller == null || !caller.name().equals(o.from())) {
                throw new CuspException(dev.cusp.error.ErrorCode.FORBIDDEN, "a restore order names the site that"
                        + " sends it as 'from'");
            }
            restorer.applyOrder(o);
            Json.send(ctx, new Applied(o.tenant(), o.from()));
        }, PeerAccess.ACTIVE_PEER);
        // Before the swap, each other site holds the practice too: its own connections there are
        // cut (a practice's program connected straight to that node), so nothing it writes there
        // can land on the restored tables.
        app.post(PEER + "/hold", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "from", "fromGtid");
            Hold h = new Hold(Json.text(b, "tenant", true), Json.text(b, "from", true), Json.text(b, "fromGtid", false));
            Member caller = ctx.attribute(PeerAccess.CALLER);
            if (caller == null || !caller.name().equals(h.from())) {
                throw new CuspException(dev.cusp.error.ErrorCode.FORBIDDEN, "a hold names the site that sends it as"
                        + " 'from'");
            }
            Json.send(ctx, new Held(h.tenant(), restorer.holdFor(h.tenant(), h.from(), h.fromGtid())));
        }, PeerAccess.ACTIVE_PEER);
        // A practice suspended at the calling site: its connections here end too. The practice
        // must be suspended here already (replicated), so a member's certificate cannot cut a
        // practice that is not.
        app.post("/api/v1/peer/suspend/cut", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "from", "fromGtid");
            Hold h = new Hold(Json.text(b, "tenant", true), Json.text(b, "from", true), Json.text(b, "fromGtid", false));
            Member caller = ctx.attribute(PeerAccess.CALLER);
            if (caller == null || !caller.name().equals(h.from())) {
                throw new CuspException(dev.cusp.error.ErrorCode.FORBIDDEN, "a suspend names the site that sends it"
                        + " as 'from'");
            }
            restorer.cutSuspended(h.tenant(), h.from(), h.fromGtid());
            Json.send(ctx, new Applied(h.tenant(), h.from()));
        }, PeerAccess.ACTIVE_PEER);
        app.get(PEER + "/{name}/file", ctx -> {
            String path = ctx.queryParam("path");
            if (path == null) {
                throw CuspException.invalid("path", "path is required");
            }
            ctx.contentType("application/octet-stream");
            try (java.io.InputStream in = restorer.outgoing(ctx.pathParam("name"), path);
                 java.io.OutputStream out = ctx.res().getOutputStream()) {
                in.transferTo(out);
            }
        }, PeerAccess.ACTIVE_MEMBER);
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
