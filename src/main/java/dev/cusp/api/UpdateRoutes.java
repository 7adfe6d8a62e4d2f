package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantNames;
import dev.cusp.update.GroupUpdate;
import dev.cusp.update.UpdateLocal;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;

/**
 * Updates. Admin routes (token, like all of {@code /api/v1/admin}): {@code GET/POST
 * /api/v1/admin/update} (where the update site is; start {@code cusp update}, or hand the
 * update site on with {@code {"designate": SITE}}) and {@code POST
 * /api/v1/admin/tenants/{name}/update}. Peer routes ({@code /api/v1/peer/update/...}, mutual
 * TLS from an active peer, checked by {@link PeerAccess}: the update site is one) are each
 * site's part of an update.
 */
public final class UpdateRoutes implements RouteModule {
    /** One kind for both: a group update and a tenant update must not run at once. */
    private static final String KIND = "update";
    private final GroupUpdate update;
    private final UpdateLocal local;
    private final Jobs jobs;

    public UpdateRoutes(GroupUpdate update, UpdateLocal local, Jobs jobs) {
        this.update = update;
        this.local = local;
        this.jobs = jobs;
    }

    @Override
    public void register(Javalin app) {
        app.get("/api/v1/admin/update", ctx -> ctx.json(update.describe()), ApiRole.ADMIN_READ);
        app.post("/api/v1/admin/update", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "designate");
            String site = Json.text(b, "designate", false);
            if (site != null) {
                ctx.json(update.designate(site));
                return;
            }
            List<Tenant> list = update.prepare(null);
            Job job = jobs.start(KIND, j -> update.run(list, j));
            ctx.status(202).json(job.describe());
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post("/api/v1/admin/tenants/{name}/update", ctx -> {
            String name = ctx.pathParam("name");
            TenantNames.requireName(name);
            List<Tenant> list = update.prepare(name);
            Job job = jobs.start(KIND, j -> update.run(list, j));
            ctx.status(202).json(job.describe());
        }, ApiRole.ADMIN_WRITE);
        app.get("/api/v1/peer/update/info", ctx -> ctx.json(local.info()), PeerAccess.ACTIVE_PEER);
        app.post("/api/v1/peer/update/backup", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenants");
            ctx.json(local.backup(names(b)));
        }, PeerAccess.ACTIVE_PEER);
        app.post("/api/v1/peer/update/verify", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "wait_gtid", "timeout_seconds", "tenants");
            JsonNode t = b.path("timeout_seconds");
            if (!t.isMissingNode() && !t.isIntegralNumber()) {
                throw CuspException.invalid("timeout_seconds", "timeout_seconds must be a whole number");
            }
            ctx.json(local.verify(Json.text(b, "wait_gtid", false), t.asInt(30), names(b)));
        }, PeerAccess.ACTIVE_PEER);
    }

    private static List<String> names(JsonNode b) {
        JsonNode t = b.path("tenants");
        if (!t.isArray()) {
            throw CuspException.invalid("tenants", "tenants must be an array of tenant names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : t) {
            TenantNames.requireName(n.asText());
            out.add(n.asText());
        }
        return out;
    }
}
