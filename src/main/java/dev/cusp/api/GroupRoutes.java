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
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The site-admin API of replication groups ({@code /api/v1/admin/group/...}): invite, join,
 * status, remove, leave, topology, re-seed, and the jobs that long work runs as. Also refuses
 * writes on a report replica, for practice routes and tenant administration alike, naming the
 * site to write at instead.
 */
public final class GroupRoutes {
    private static final String BASE = "/api/v1/admin/group";
    private static final java.util.regex.Pattern GUARDED = java.util.regex.Pattern.compile(
            "/api/v1/t/([^/]+)/(?:(patients/merge|insurance-plans/combine)|(patients|insurance-plans|fee-schedules)/[^/]+)/?");
    private final Group group;
    private final Jobs jobs;
    private final dev.cusp.tenant.TenantRegistry registry;
    private final dev.cusp.tenant.TenantPools pools;

    public GroupRoutes(Group group, Jobs jobs, dev.cusp.tenant.TenantRegistry registry,
                       dev.cusp.tenant.TenantPools pools) {
        this.group = group;
        this.jobs = jobs;
        this.registry = registry;
        this.pools = pools;
    }

    void register(Javalin app) {
        Before.under(app, "/api/v1/admin/tenants", ctx -> {
            if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD
                    && !QueryRoutes.isQuery(ctx.path()) && !DbmRoutes.servedAtReplica(ctx.path())) {
                group.requireWritable("manage tenants");
            }
        });
        Before.under(app, "/api/v1/t", ctx -> {
            if (group.seeding()) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "this site's data is being replaced by a fresh copy"
                        + " (join or re-seed); try again in a minute, or use another site of the group");
            }
            if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD && !ctx.path().endsWith("/login")
                    && !ctx.path().endsWith("/logout") && !QueryRoutes.isQuery(ctx.path())) {
                group.requireWritable("write");
                var fence = group.monitor().fenced();
                if (fence.isPresent()) {
                    throw new CuspException(ErrorCode.UNAVAILABLE, fence.get());
                }
                deletionGuard(ctx);
            }
        });
        app.get(BASE + "/alerts", ctx -> ctx.json(Map.of("alerts", group.monitor().alerts(
                "true".equals(ctx.queryParam("all"))))));
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
        });
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
        });
        app.post(BASE + "/join", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "token", "force");
            String token = Json.text(b, "token", true);
            boolean force = Json.bool(b, "force", false);
            dev.cusp.group.JoinToken.decode(token);
            Job job = jobs.start("join", j -> group.join(token, force, j));
            ctx.status(202).json(job.describe());
        });
        app.get(BASE, ctx -> ctx.json(group.status()));
        app.get(BASE + "/sites", ctx -> ctx.json(Map.of("sites", sites())));
        app.delete(BASE + "/sites/{name}", ctx -> ctx.json(group.remove(ctx.pathParam("name"))));
        app.post(BASE + "/leave", ctx -> ctx.json(group.leave()));
        app.put(BASE + "/topology", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "topology");
            ctx.json(group.topology(Json.text(b, "topology", true)));
        });
        app.post(BASE + "/reseed", this::reseed);
        app.get("/api/v1/admin/jobs/{id}", ctx -> {
            String site = ctx.queryParam("site");
            if (site == null || site.equals(group.siteName())) {
                ctx.json(jobs.require(ctx.pathParam("id")).describe());
            } else {
                ctx.json(group.remoteJob(site, ctx.pathParam("id")));
            }
        });
    }

    /**
     * Merges, combines and deletes wait while a writable peer is disconnected; under a site
     * admin's override they go on, and each one is written to the practice's security log.
     */
    private void deletionGuard(Context ctx) throws java.sql.SQLException {
        java.util.regex.Matcher m = GUARDED.matcher(ctx.path());
        boolean guarded = m.matches() && ((ctx.method() == HandlerType.POST && m.group(2) != null)
                || (ctx.method() == HandlerType.DELETE && m.group(3) != null));
        if (!guarded) {
            return;
        }
        var why = group.monitor().deletionGuard();
        if (why.isEmpty()) {
            return;
        }
        var override = group.monitor().overrideReason();
        if (override.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, why.get());
        }
        var t = registry.find(m.group(1));
        if (t.isPresent()) {
            Sessions.Session s = ctx.attribute("cusp.session");
            try (dev.cusp.tenant.TenantPools.Lease l = pools.lease(t.get())) {
                dev.cusp.practice.SecurityLog.write(l.connection(), new dev.cusp.practice.Actor(
                        s == null ? "?" : s.userName(), group.siteName()), "deletion_guard_override",
                        ctx.path().replaceFirst("^/api/v1/t/[^/]+/", ""), null, why.get().split(";")[0]
                        + "; override by the site admin: " + override.get());
            }
        }
    }

    private List<Map<String, Object>> sites() {
        Object s = group.status().get("sites");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> l = (List<Map<String, Object>>) s;
        return l;
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
