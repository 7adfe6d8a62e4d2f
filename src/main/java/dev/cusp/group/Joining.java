package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.replication.KeySpacing;
import dev.cusp.replication.NodeSettings;
import dev.cusp.replication.ReplicationSource;
import dev.cusp.replication.Seeder;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PinnedTrust;
import dev.cusp.tls.TlsContexts;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A site joining a group with a token ({@code cusp join}): the inviting site checked against
 * the token's CA fingerprint, admitted, node settings fixed, seeded, replicating, activated.
 */
final class Joining {
    private final Group g;

    Joining(Group g) {
        this.g = g;
    }

    Map<String, Object> run(String tokenText, boolean force, Job job) {
        JoinToken token = JoinToken.decode(tokenText);
        if (!g.members.all().isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is already in a replication group; leave it first"
                    + " with 'cusp leave'");
        }
        int hosted = g.tenants.all().size();
        if (hosted > 0) {
            throw new CuspException(ErrorCode.CONFLICT, "this site hosts " + hosted + " tenants; joining replaces its"
                    + " data with the group's. Back them up and drop them, or join from a fresh site");
        }
        g.holdReconciler();
        Map<String, Object> out;
        try {
            out = doJoin(token, force, job);
        } finally {
            g.releaseReconciler();
        }
        // The inviting site marked this one active; wait until that change has replicated
        // here, so this site knows its own role (read-only replica or peer) from now on.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !g.members.find(g.siteName()).map(Member::active).orElse(false)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        g.reconcile();
        out.put("documents", g.afterSeed().apply(job));
        return out;
    }

    private Map<String, Object> doJoin(JoinToken token, boolean force, Job job) {
        SiteIdentity id = g.id();
        job.step("checking " + token.site() + " at " + token.url() + " against the token's CA fingerprint");
        PinnedTrust pin = new PinnedTrust(token.caFingerprint());
        // Presents this site's certificate: the inviting site pins the rest of the join to it.
        HttpClient pinned = PeerClient.pinned(pin, g.home.tls());
        JsonNode hello = PeerClient.send(pinned, token.site(), token.url(), "GET", "/api/v1/peer/hello", null,
                Duration.ofSeconds(10));
        if (!CuspVersion.VERSION.equals(hello.path("version").asText())) {
            throw new CuspException(ErrorCode.CONFLICT, "version mismatch: " + token.site() + " runs Cusp "
                    + hello.path("version").asText() + ", this site " + CuspVersion.VERSION
                    + "; run the same version on both");
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("secret", token.secret());
        req.put("site", id.siteName());
        req.put("version", CuspVersion.VERSION);
        req.put("control_schema", PracticeSchema.latestControlVersion());
        req.put("practice_schema", PracticeSchema.latestPracticeVersion());
        req.put("url", g.url);
        req.put("node_host", g.nodeHost());
        req.put("node_port", id.dbPort());
        req.put("ca_pem", TlsContexts.pem(CertificateAuthority.load(g.home.tls().caCert())));
        req.put("server_id", id.serverId());
        req.put("gtid_domain_id", id.gtidDomainId());
        req.put("tenants", g.tenants.all().size());
        req.put("force", force);
        job.step("asking " + token.site() + " to admit " + id.siteName());
        JsonNode grant = PeerClient.send(pinned, token.site(), token.url(), "POST", "/api/v1/peer/join", req,
                Duration.ofSeconds(60));
        String role = grant.path("role").asText();
        job.step("admitted as " + role + ("peer".equals(role) ? " (key offset " + grant.path("key_offset").asInt()
                + " of " + grant.path("capacity").asInt() + ")" : " of " + grant.path("upstream").asText()));

        List<Member> group = new ArrayList<>();
        for (JsonNode n : grant.path("members")) {
            group.add(GroupJson.read(n));
        }
        g.refreshTrust(group);
        Member source = group.stream().filter(m -> m.name().equals(token.site())).findFirst()
                .orElseThrow(() -> new CuspException(ErrorCode.INTERNAL, "the inviting site is not in its own group"));

        boolean writable = "peer".equals(role);
        KeySpacing keys = writable ? new KeySpacing(grant.path("capacity").asInt(), grant.path("key_offset").asInt())
                : new KeySpacing(1, 1);
        // A replica and a ring member replicate from one site, a mesh peer from every active peer.
        int sources = !writable || Group.RING.equals(grant.path("topology").asText()) ? 1
                : (int) Math.max(1, group.stream().filter(m -> m.peer() && m.active()
                && !m.name().equals(id.siteName())).count());
        List<NodeSettings.Row> table = g.applyNodeSettings(writable, keys, sources);
        job.step("node settings checked: " + table.stream().filter(r -> !r.action().equals("ok"))
                .map(r -> r.setting() + " " + r.current() + " -> " + r.required()).collect(Collectors.joining(", "))
                .transform(s -> s.isEmpty() ? "all as required" : "changed " + s));

        g.secrets.adopt(grant.path("master_key").asText(), g.home.masterKey());
        Seeder.Result seeded = g.seedFrom(source, job);
        JsonNode src = grant.path("source");
        job.step("starting replication from " + source.name());
        g.channels.start(new ReplicationSource(source.name(), src.path("node_host").asText(),
                src.path("node_port").asInt(), src.path("user").asText(), src.path("password").asText(),
                g.peerCaFile(source)), id.gtidDomainId());
        g.peers.call(source, "POST", "/api/v1/peer/join/complete", Map.of("site", id.siteName(), "seed_gtid",
                seeded.gtidPos()), Duration.ofSeconds(30));
        job.step("joined: " + id.siteName() + " is an active " + role + "; links to the other sites follow within"
                + " seconds");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", id.siteName());
        out.put("role", role);
        out.put("source", source.name());
        out.put("settings", table.stream().map(r -> Map.of("setting", r.setting(), "current", r.current(),
                "required", r.required(), "action", r.action())).toList());
        out.put("seed", Group.seedSummary(seeded));
        return out;
    }
}
