package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.maintenance.DbmService;
import dev.cusp.maintenance.Finding;
import dev.cusp.maintenance.FixRun;
import dev.cusp.maintenance.MaintenanceMethod;
import dev.cusp.maintenance.MethodCatalog;
import dev.cusp.tenant.Tenant;
import dev.cusp.wire.DbmPeerFindings;
import dev.cusp.wire.MethodFinding;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Database maintenance ({@code cusp dbm}). Admin routes (the site admin's token, like all of
 * {@code /api/v1/admin}): the method list, checks as jobs, and the one-site fix. Peer routes
 * ({@code /api/v1/peer/dbm/...}, mutual TLS, enforced by {@link PeerAccess}): the checks another
 * active member asks this one to run (a replica's check only reads), and the fix an active peer
 * asks it to run. A fix writes replicated rows here, so a report replica's certificate cannot
 * order one: a replica's site admin runs the fix at a peer.
 */
public final class DbmRoutes implements RouteModule {
    private final DbmService dbm;
    private final Jobs jobs;

    public DbmRoutes(DbmService dbm, Jobs jobs) {
        this.dbm = dbm;
        this.jobs = jobs;
    }

    @Override
    public void register(Javalin app) {
        app.get("/api/v1/admin/dbm/methods", ctx -> ctx.json(Map.of("methods", MethodCatalog.all().stream()
                .map(MaintenanceMethod::describe).toList())), ApiRole.ADMIN_READ);
        app.post("/api/v1/admin/dbm/check", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "methods", "all_sites");
            startCheck(ctx, dbm.tenants(Json.text(b, "tenant", false)), b);
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post("/api/v1/admin/tenants/{name}/dbm/check", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "methods", "all_sites");
            startCheck(ctx, dbm.tenants(ctx.pathParam("name")), b);
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post("/api/v1/admin/tenants/{name}/dbm/fix", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "methods", "site", "allow_unsafe");
            ctx.json(FixRun.run(dbm, ctx.pathParam("name"), names(b), Json.text(b, "site", false),
                    Json.bool(b, "allow_unsafe", false)));
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post("/api/v1/peer/dbm/check", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "methods", "wait_gtid");
            Map<String, MethodFinding> results = new LinkedHashMap<>();
            for (Map.Entry<String, Finding> e : dbm.localCheck(Json.text(b, "tenant", true), names(b),
                    Json.text(b, "wait_gtid", false)).entrySet()) {
                results.put(e.getKey(), e.getValue().describe());
            }
            ctx.json(new DbmPeerFindings(results));
        }, PeerAccess.ACTIVE_MEMBER);
        app.post("/api/v1/peer/dbm/fix", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "method", "allow_unsafe", "requested_by");
            ctx.json(dbm.localFix(Json.text(b, "tenant", true), Json.text(b, "method", true),
                    Json.bool(b, "allow_unsafe", false), Json.text(b, "requested_by", false)));
        }, PeerAccess.ACTIVE_PEER);
    }

    private void startCheck(io.javalin.http.Context ctx, List<Tenant> tenants, JsonNode b) {
        List<MaintenanceMethod> methods = MethodCatalog.select(names(b), "methods");
        boolean all = Json.bool(b, "all_sites", false);
        Job job = jobs.start("dbm-check", j -> dbm.check(tenants, methods, all, j));
        ctx.status(202).json(job.describe());
    }

    /** The "methods" field: a list of method names (absent: none given). */
    private static List<String> names(JsonNode b) {
        JsonNode v = b.get("methods");
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw CuspException.invalid("methods", "methods must be a list of method names");
        }
        for (JsonNode n : v) {
            if (!n.isTextual()) {
                throw CuspException.invalid("methods", "methods must be a list of method names");
            }
            out.add(n.asText());
        }
        return out;
    }
}
