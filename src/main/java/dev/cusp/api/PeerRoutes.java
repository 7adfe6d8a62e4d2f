package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.replication.Seeder;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * Routes other sites of the replication group call ({@code /api/v1/peer/...}). Apart from
 * {@code hello} (public facts) and {@code join} (authenticated by a one-time invitation
 * secret), every route needs mutual TLS: a client certificate signed by the CA of a site in
 * the group. Practice and admin tokens mean nothing here.
 */
public final class PeerRoutes {
    private static final String BASE = "/api/v1/peer";
    private static final String CALLER = "cusp.peer";
    private final Group group;
    private final Jobs jobs;

    public PeerRoutes(Group group, Jobs jobs) {
        this.group = group;
        this.jobs = jobs;
    }

    void register(Javalin app) {
        Before.under(app, BASE, ctx -> {
            String p = ctx.path();
            if (p.equals(BASE + "/hello") || p.equals(BASE + "/join")) {
                return;
            }
            ctx.attribute(CALLER, caller(ctx));
        });
        app.get(BASE + "/hello", ctx -> ctx.json(group.hello()));
        app.post(BASE + "/join", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "secret", "site", "version", "control_schema", "practice_schema", "url", "node_host",
                    "node_port", "ca_pem", "server_id", "gtid_domain_id", "tenants", "force");
            Json.text(b, "secret", true);
            Json.text(b, "site", true);
            Json.text(b, "ca_pem", true);
            ctx.json(group.accept(b, ctx.req().getRemoteAddr()));
        });
        app.post(BASE + "/join/complete", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "site", "seed_gtid");
            String site = Json.text(b, "site", true);
            if (!site.equals(member(ctx).name())) {
                throw new CuspException(ErrorCode.FORBIDDEN, "a site can only complete its own join", "site");
            }
            group.complete(site, Json.text(b, "seed_gtid", true));
            ctx.json(Map.of("site", site, "state", "active"));
        });
        app.get(BASE + "/snapshot", this::snapshot);
        app.post(BASE + "/links", ctx -> ctx.json(group.grantLink(member(ctx).name(), ctx.req().getRemoteAddr())));
        app.get(BASE + "/status", ctx -> ctx.json(group.localStatus()));
        app.post(BASE + "/remove", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "site");
            String site = Json.text(b, "site", true);
            if (!site.equals(member(ctx).name())) {
                throw new CuspException(ErrorCode.FORBIDDEN, "a site can only ask to remove itself; remove another"
                        + " site with 'cusp site remove' at a peer", "site");
            }
            ctx.json(group.remove(site));
        });
        app.post(BASE + "/removed", ctx -> {
            group.removedByPeer(member(ctx).name());
            ctx.json(Map.of("site", group.siteName(), "state", "standalone"));
        });
        app.post(BASE + "/reseed", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "from", "discard_local");
            String from = Json.text(b, "from", false);
            boolean discard = b.path("discard_local").asBoolean(false);
            Job job = jobs.start("reseed", j -> group.reseed(from, discard, j));
            ctx.status(202).json(job.describe());
        });
        app.post(BASE + "/tenants/claim", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "name", "id");
            String name = Json.text(b, "name", true);
            int id = claimId(b);
            group.tenantClaims().claimFor(member(ctx).name(), name, id);
            ctx.json(Map.of("name", name, "id", id, "claimed_by", member(ctx).name()));
        });
        app.post(BASE + "/tenants/release", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "name", "id");
            String name = Json.text(b, "name", true);
            group.tenantClaims().releaseFor(member(ctx).name(), name, claimId(b));
            ctx.json(Map.of("name", name, "released", true));
        });
        app.get(BASE + "/jobs/{id}", ctx -> ctx.json(jobs.require(ctx.pathParam("id")).describe()));
    }

    /** The tenant id of a claim or release: a whole number, or 400 naming the field. */
    private static int claimId(JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || !id.isIntegralNumber() || !id.canConvertToInt()) {
            throw CuspException.invalid("id", "id must be a whole number");
        }
        return id.asInt();
    }

    private void snapshot(Context ctx) throws Exception {
        Seeder.Estimate est = group.snapshotEstimate();
        boolean physical = "physical".equals(ctx.queryParam("format")) && group.physicalSnapshotPossible(est);
        ctx.status(200);
        ctx.contentType(physical ? "application/octet-stream" : "application/sql");
        ctx.header("X-Cusp-Snapshot-Format", physical ? "physical" : "sql");
        ctx.header("X-Cusp-Estimated-Bytes", Long.toString(est.bytes()));
        ctx.header("X-Cusp-Estimated-Rows", Long.toString(est.rows()));
        try (OutputStream out = ctx.res().getOutputStream()) {
            group.snapshot(est, physical, out);
        }
    }

    private Member member(Context ctx) {
        Member m = ctx.attribute(CALLER);
        return m;
    }

    private Member caller(Context ctx) {
        Object certs = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        if (!(certs instanceof X509Certificate[] chain) || chain.length == 0) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED, "peer routes need the calling site's client"
                    + " certificate (mutual TLS)");
        }
        String site = group.trust().siteOf(chain[0]).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN,
                "the client certificate is not from a site of this replication group"));
        return group.member(site).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN, "site " + site
                + " is not in this replication group"));
    }
}
