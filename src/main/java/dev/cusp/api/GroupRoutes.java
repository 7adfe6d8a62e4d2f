package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;

/**
 * The site-admin API of replication groups ({@code /api/v1/admin/group/...}): invite, join,
 * status, remove, leave, topology, re-seed, alerts, the deletion guard's override, and the jobs
 * that long work runs as. What a report replica or a fenced site refuses is decided from each
 * route's {@link ApiRole}, by {@link RoutePolicy}.
 */
public final class GroupRoutes implements RouteModule {
    private static final String BASE = "/api/v1/admin/group";
    private final Group group;
    private final Jobs jobs;

    public GroupRoutes(Group group, Jobs jobs) {
        this.group = group;
        this.jobs = jobs;
    }

    @Override
    public void register(Javalin app) {
        app.get(BASE + "/alerts", ctx -> ctx.json(Map.of("alerts", group.monitor().alerts(
                "true".equals(ctx.queryParam("all"))))), ApiRole.ADMIN_READ);
        app.post(BASE + "/guard-override", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "minutes", "reason");
            JsonNode min = b.get("minutes");
            if (min == null || !min.isIntegralNumber() || min.asLong() < 1 || min.asLong() > 1440) {
                throw CuspException.invalid("minutes", "minutes must be a whole number from 1 to 1440");
            }
            String reason = Json.text(b, "reason", true);
            if (reason.isBlank() || reason.length() > 500) {
                throw CuspException.invalid("reason", "give a reason of 1 to 500 characters; it goes to the security log");
            }
            ctx.json(group.monitor().override(Duration.ofMinutes(min.asLong()), reason));
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post(BASE + "/invites", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "role", "expires_minutes", "topology");
            String role = Json.text(b, "role", false);
            JsonNode exp = b.get("expires_minutes");
            if (exp != null && !exp.isIntegralNumber()) {
                throw CuspException.invalid("expires_minutes", "expires_minutes must be a whole number of minutes");
            }
            long minutes = exp == null ? 60 : exp.asLong();
            ctx.status(201).json(group.invite(role == null ? Member.PEER : role, Duration.ofMinutes(minutes),
                    Json.text(b, "topology", false)));
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post(BASE + "/join", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "token", "force");
            String token = Json.text(b, "token", true);
            boolean force = Json.bool(b, "force", false);
            dev.cusp.group.JoinToken.decode(token);
            Job job = jobs.start("join", j -> group.join(token, force, j));
            ctx.status(202).json(job.describe());
        }, ApiRole.ADMIN_AT_REPLICA);
        app.get(BASE, ctx -> ctx.json(group.status()), ApiRole.ADMIN_READ);
        app.get(BASE + "/sites", ctx -> ctx.json(Map.of("sites", group.status().sites())), ApiRole.ADMIN_READ);
        app.delete(BASE + "/sites/{name}", ctx -> ctx.json(group.remove(ctx.pathParam("name"))), ApiRole.ADMIN_AT_REPLICA);
        app.post(BASE + "/leave", ctx -> ctx.json(group.leave()), ApiRole.ADMIN_AT_REPLICA);
        app.put(BASE + "/topology", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "topology");
            ctx.json(group.topology(Json.text(b, "topology", true)));
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post(BASE + "/reseed", this::reseed, ApiRole.ADMIN_AT_REPLICA);
        app.get("/api/v1/admin/jobs/{id}", ctx -> {
            String site = ctx.queryParam("site");
            if (site == null || site.equals(group.siteName())) {
                ctx.json(jobs.require(ctx.pathParam("id")).describe());
            } else {
                ctx.json(group.remoteJob(site, ctx.pathParam("id")));
            }
        }, ApiRole.ADMIN_READ);
    }

    private void reseed(Context ctx) {
        JsonNode b = Json.body(ctx);
        Json.only(b, "site", "from", "discard_local");
        String site = Json.text(b, "site", false);
        String from = Json.text(b, "from", false);
        boolean discard = Json.bool(b, "discard_local", false);
        if (site == null || site.equals(group.siteName())) {
            Job job = jobs.start("reseed", j -> group.reseed(from, discard, j));
            ctx.status(202).json(job.describe());
            return;
        }
        if (site.equals(from)) {
            throw CuspException.invalid("from", "a site cannot be re-seeded from itself");
        }
        ctx.status(202).json(group.remoteReseed(site, from, discard));
    }

    static CuspException notFound(String what) {
        return new CuspException(ErrorCode.NOT_FOUND, what);
    }
}
