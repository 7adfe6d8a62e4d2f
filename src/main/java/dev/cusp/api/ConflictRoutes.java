package dev.cusp.api;

import dev.cusp.conflict.ConflictLog;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.practice.Actor;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replication conflicts for the site admin: {@code GET /api/v1/admin/conflicts[?tenant=NAME]}
 * lists them with both versions (the log replicates, so every site lists the whole group's), and
 * {@code POST /api/v1/admin/conflicts/{tenant}/{id}/restore} writes the losing version back.
 */
public final class ConflictRoutes implements RouteModule {
    private static final String BASE = "/api/v1/admin/conflicts";
    private final ConflictLog log;
    private final TenantRegistry registry;
    private final Group group;
    private final String site;

    public ConflictRoutes(ConflictLog log, TenantRegistry registry, Group group, String site) {
        this.log = log;
        this.registry = registry;
        this.group = group;
        this.site = site;
    }

    @Override
    public void register(Javalin app) {
        app.get(BASE, ctx -> {
            String name = ctx.queryParam("tenant");
            List<Tenant> tenants = name == null || name.isBlank() ? registry.all() : List.of(tenant(name));
            List<Map<String, Object>> all = new ArrayList<>();
            List<Map<String, Object>> unreadable = new ArrayList<>();
            for (Tenant t : tenants) {
                try {
                    all.addAll(log.list(t.name(), t.dbName()));
                } catch (CuspException refused) {
                    if (tenants.size() == 1) {
                        throw refused;
                    }
                    // One practice's replaced conflict log does not hide every other's.
                    unreadable.add(Map.of("tenant", t.name(), "reason", refused.getMessage()));
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("site", site);
            out.put("count", all.size());
            out.put("conflicts", all);
            if (!unreadable.isEmpty()) {
                out.put("unreadable", unreadable);
            }
            ctx.json(out);
        }, ApiRole.ADMIN_READ);
        app.post(BASE + "/{tenant}/{id}/restore", ctx -> {
            Tenant t = tenant(ctx.pathParam("tenant"));
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw CuspException.invalid("id", "a conflict id is a number, as 'cusp conflicts " + t.name()
                        + "' lists them; got '" + ctx.pathParam("id") + "'");
            }
            group.requireWritable("restore a conflict's losing version");
            var fence = group.monitor().fenced();
            if (fence.isPresent()) {
                throw new CuspException(ErrorCode.UNAVAILABLE, fence.get());
            }
            ctx.json(log.restore(t.name(), t.dbName(), id, new Actor("site-admin", site)));
        }, ApiRole.ADMIN_AT_REPLICA);
    }

    private Tenant tenant(String name) {
        return registry.find(name).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no tenant '" + name
                + "' at this site; 'cusp tenant list' shows them", "tenant"));
    }
}
