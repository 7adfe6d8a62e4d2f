package dev.cusp.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.check.CheckService;
import dev.cusp.error.CuspException;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.tenant.Tenant;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.RepairReport;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Data check and repair across the replication group. Admin routes ({@code POST
 * /api/v1/admin/group/check} and {@code /repair}, token-protected like all of
 * {@code /api/v1/admin}) start jobs; the peer routes ({@code /api/v1/peer/check/...}, mutual
 * TLS) are the work every other site does when the checking site asks. Reading a range's sums
 * answers any active member (a check may start at a replica); a rewrite re-writes the
 * authority's rows as they are, so replication carries them over every other site's version,
 * and only an active peer may order that (a repair runs at a peer).
 */
public final class CheckRoutes implements RouteModule {
    private static final String ADMIN = "/api/v1/admin/group";
    private static final String PEER = "/api/v1/peer/check";
    private final CheckService check;
    private final Jobs jobs;
    private final Group group;

    public CheckRoutes(CheckService check, Jobs jobs, Group group) {
        this.check = check;
        this.jobs = jobs;
        this.group = group;
    }

    @Override
    public void register(Javalin app) {
        app.post(ADMIN + "/check", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant");
            List<Tenant> tenants = check.tenants(Json.text(b, "tenant", false));
            Job job = jobs.start("check", j -> {
                CheckReport r = check.check(tenants, j);
                group.monitor().checked(asMap(r));
                return r;
            });
            ctx.status(202).json(job.describe());
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post(ADMIN + "/repair", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "tenant", "from");
            List<Tenant> tenants = check.tenants(Json.text(b, "tenant", false));
            Member from = check.authority(Json.text(b, "from", true));
            Job job = jobs.start("repair", j -> {
                RepairReport r = check.repair(tenants, from, j);
                group.monitor().checked(asMap(r.after()));
                return r;
            });
            ctx.status(202).json(job.describe());
        }, ApiRole.ADMIN_AT_REPLICA);
        app.post(PEER + "/chunk", ctx -> {
            JsonNode b = range(ctx);
            ctx.json(check.chunk(b.path("db").asText(), b.path("table").asText(), b.path("lo").asLong(),
                    b.path("hi").asLong(), Json.text(b, "wait_gtid", false)));
        }, PeerAccess.ACTIVE_MEMBER);
        app.post(PEER + "/rows", ctx -> {
            JsonNode b = range(ctx);
            ctx.json(check.rows(b.path("db").asText(), b.path("table").asText(), b.path("lo").asLong(),
                    b.path("hi").asLong(), Json.text(b, "wait_gtid", false)));
        }, PeerAccess.ACTIVE_MEMBER);
        app.post(PEER + "/rewrite", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "db", "table", "keys");
            String db = Json.text(b, "db", true);
            String table = Json.text(b, "table", true);
            List<Long> keys = new ArrayList<>();
            for (JsonNode k : b.path("keys")) {
                if (!k.isIntegralNumber() || !k.canConvertToLong()) {
                    throw CuspException.invalid("keys", "keys must be whole numbers");
                }
                keys.add(k.asLong());
            }
            ctx.json(check.rewrite(db, table, keys));
        }, PeerAccess.ACTIVE_PEER);
    }

    /** The monitor still reads a check's report as a JSON map (group/ is being split; it will take the record). */
    private static Map<String, Object> asMap(CheckReport r) {
        return JsonMapping.MAPPER.convertValue(r, new TypeReference<>() {
        });
    }

    private static JsonNode range(Context ctx) {
        JsonNode b = Json.body(ctx);
        Json.only(b, "db", "table", "lo", "hi", "wait_gtid");
        Json.text(b, "db", true);
        Json.text(b, "table", true);
        for (String f : List.of("lo", "hi")) {
            JsonNode v = b.get(f);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
                throw CuspException.invalid(f, f + " must be a whole number");
            }
        }
        return b;
    }
}
