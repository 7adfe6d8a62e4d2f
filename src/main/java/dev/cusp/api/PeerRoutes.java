package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.wire.PeerMembership;
import dev.cusp.job.Job;
import dev.cusp.job.Jobs;
import dev.cusp.replication.Seeder;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

/**
 * Routes other sites of the replication group call ({@code /api/v1/peer/...}). Each declares
 * which sites may call it ({@link PeerAccess}, enforced before the handler): apart from
 * {@code hello} (public facts), {@code join} (a one-time invitation secret, and the joining
 * site's certificate, pinned for the rest of its join) and {@code membership} (answers a
 * certificate about itself), every route needs mutual TLS from a site of the group in the
 * role and state it declares. Practice and admin tokens mean nothing here.
 */
public final class PeerRoutes implements RouteModule {
    private static final String BASE = PeerAccess.BASE;
    private final Group group;
    private final Jobs jobs;

    public PeerRoutes(Group group, Jobs jobs) {
        this.group = group;
        this.jobs = jobs;
    }

    @Override
    public void register(Javalin app) {
        PeerAccess.install(app, group);
        app.get(BASE + "/hello", ctx -> ctx.json(group.hello()), PeerAccess.OPEN);
        // Whether the presented certificate's site is a member here: how a site told "you were
        // removed" checks the news with the site that sent it. Tells a certificate only about itself.
        app.get(BASE + "/membership", ctx -> ctx.json(membership(ctx)), PeerAccess.OPEN);
        app.post(BASE + "/join", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "secret", "site", "version", "control_schema", "practice_schema", "url", "node_host",
                    "node_port", "ca_pem", "server_id", "gtid_domain_id", "tenants", "force");
            Json.text(b, "secret", true);
            Json.text(b, "site", true);
            Json.text(b, "ca_pem", true);
            ctx.json(group.accept(b, ctx.req().getRemoteAddr(), PeerAccess.clientCertificate(ctx).orElse(null)));
        }, PeerAccess.OPEN);
        app.post(BASE + "/join/complete", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "site", "seed_gtid");
            String site = Json.text(b, "site", true);
            if (!site.equals(member(ctx).name())) {
                throw new CuspException(ErrorCode.FORBIDDEN, "a site can only complete its own join", "site");
            }
            group.complete(site, Json.text(b, "seed_gtid", true));
            ctx.json(Map.of("site", site, "state", "active"));
        }, PeerAccess.JOINING_OR_ACTIVE);
        // A joining site seeds from the site that admitted it; an active one re-seeds (Reseeding).
        app.get(BASE + "/snapshot", this::snapshot, PeerAccess.JOINING_OR_ACTIVE);
        app.post(BASE + "/links", ctx -> ctx.json(group.grantLink(member(ctx).name(), ctx.req().getRemoteAddr())),
                PeerAccess.ACTIVE_MEMBER);
        app.get(BASE + "/status", ctx -> ctx.json(group.localStatus()), PeerAccess.ACTIVE_MEMBER);
        app.post(BASE + "/remove", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "site");
            String site = Json.text(b, "site", true);
            if (!site.equals(member(ctx).name())) {
                throw new CuspException(ErrorCode.FORBIDDEN, "a site can only ask to remove itself; remove another"
                        + " site with 'cusp site remove' at a peer", "site");
            }
            ctx.json(group.remove(site));
        }, PeerAccess.JOINING_OR_ACTIVE);
        // Only a peer removes sites ('cusp site remove' refuses at a replica); the told site
        // checks the news with that peer before it stands alone (Group.removedByPeer).
        app.post(BASE + "/removed", ctx -> {
            group.removedByPeer(member(ctx).name());
            ctx.json(Map.of("site", group.siteName(), "state", "standalone"));
        }, PeerAccess.ACTIVE_PEER);
        app.post(BASE + "/reseed", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "from", "discard_local");
            String from = Json.text(b, "from", false);
            boolean discard = b.path("discard_local").asBoolean(false);
            Job job = jobs.start("reseed", j -> group.reseed(from, discard, j));
            ctx.status(202).json(job.describe());
        }, PeerAccess.ACTIVE_PEER);
        app.post(BASE + "/tenants/claim", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "name", "id");
            String name = Json.text(b, "name", true);
            int id = claimId(b);
            group.tenantClaims().claimFor(member(ctx).name(), name, id);
            ctx.json(Map.of("name", name, "id", id, "claimed_by", member(ctx).name()));
        }, PeerAccess.ACTIVE_PEER);
        app.post(BASE + "/tenants/release", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "name", "id");
            String name = Json.text(b, "name", true);
            group.tenantClaims().releaseFor(member(ctx).name(), name, claimId(b));
            ctx.json(Map.of("name", name, "released", true));
        }, PeerAccess.ACTIVE_PEER);
        // A report replica cannot write its own row when it moves (its node is read-only): the site it
        // replicates from does, for the caller's own row only, once the caller answers at the new URL.
        app.post(BASE + "/url", ctx -> {
            JsonNode b = Json.body(ctx);
            Json.only(b, "site", "url", "node_host", "node_port");
            JsonNode port = b.get("node_port");
            if (port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
                throw CuspException.invalid("node_port", "node_port must be a whole number");
            }
            ctx.json(group.moveMember(member(ctx), Json.text(b, "site", true), Json.text(b, "url", true),
                    Json.text(b, "node_host", true), port.asInt()));
        }, PeerAccess.ACTIVE_MEMBER);
        // Only remote re-seeds run as jobs another site follows, and only peers start them.
        app.get(BASE + "/jobs/{id}", ctx -> ctx.json(jobs.require(ctx.pathParam("id")).describe()),
                PeerAccess.ACTIVE_PEER);
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

    private static Member member(Context ctx) {
        return ctx.attribute(PeerAccess.CALLER);
    }

    /**
     * Answers only once the certificate is known not revoked: while its site's revocation list
     * has never been read here, 503 (as at every other peer route), never "not a member", which
     * the asking site would take for its removal ({@code Departures}).
     */
    private PeerMembership membership(Context ctx) {
        X509Certificate cert = PeerAccess.clientCertificate(ctx).orElseThrow(() -> new CuspException(
                ErrorCode.UNAUTHENTICATED, "membership answers a site about its own certificate: present one"));
        Optional<String> unchecked = group.trust().unchecked(cert);
        if (unchecked.isPresent()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, unchecked.get());
        }
        Optional<Member> m = group.trust().siteOf(cert).flatMap(group::member);
        return new PeerMembership(m.isPresent(), m.map(Member::name).orElse(null), m.map(Member::state).orElse(null));
    }
}
