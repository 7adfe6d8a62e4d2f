package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.base.JsonMapping;
import dev.cusp.base.NetAddresses;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.replication.KeySpacing;
import dev.cusp.replication.NodeSettings;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.replication.ReplicationSource;
import dev.cusp.replication.Seeder;
import dev.cusp.secret.SecretBox;
import dev.cusp.site.SiteHome;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PinnedTrust;
import dev.cusp.tls.TlsContexts;
import dev.cusp.wire.JoinGrant;
import dev.cusp.wire.JoinRequest;
import dev.cusp.wire.Joined;
import dev.cusp.wire.NodeSettingRow;
import dev.cusp.wire.SourceAccount;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A site joining a group with a token ({@code cusp join}): the inviting site checked against
 * the token's CA fingerprint, admitted, node settings fixed, seeded, replicating, activated.
 */
final class Joining {
    private final Membership site;
    private final TenantRegistry tenants;
    private final Reconciler reconciler;
    private final SiteHome home;
    private final SecretBox secrets;
    private final Snapshots snapshots;
    private final GroupTrust trust;
    private final ReplicationChannels channels;
    private final PeerClient peers;
    private final DocumentHooks documents;

    Joining(Membership site, TenantRegistry tenants, Reconciler reconciler, SiteHome home, SecretBox secrets,
            Snapshots snapshots, GroupTrust trust, ReplicationChannels channels, PeerClient peers,
            DocumentHooks documents) {
        this.site = site;
        this.tenants = tenants;
        this.reconciler = reconciler;
        this.home = home;
        this.secrets = secrets;
        this.snapshots = snapshots;
        this.trust = trust;
        this.channels = channels;
        this.peers = peers;
        this.documents = documents;
    }

    Joined run(String tokenText, boolean force, Job job) {
        JoinToken token = JoinToken.decode(tokenText);
        if (!site.members().all().isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is already in a replication group; leave it first"
                    + " with 'cusp leave'");
        }
        int hosted = tenants.all().size();
        if (hosted > 0) {
            throw new CuspException(ErrorCode.CONFLICT, "this site hosts " + hosted + " tenants; joining replaces its"
                    + " data with the group's. Back them up and drop them, or join from a fresh site");
        }
        reconciler.hold();
        Joined out;
        try {
            out = doJoin(token, force, job);
        } finally {
            reconciler.release();
        }
        // The inviting site marked this one active; wait until that change has replicated
        // here, so this site knows its own role (read-only replica or peer) from now on.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !site.members().find(site.siteName()).map(Member::active).orElse(false)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reconciler.reconcile();
        out = out.withDocuments(documents.afterSeed(job));
        return out;
    }

    private Joined doJoin(JoinToken token, boolean force, Job job) {
        SiteIdentity id = site.id();
        job.step("checking " + token.site() + " at " + token.url() + " against the token's CA fingerprint");
        PinnedTrust pin = new PinnedTrust(token.caFingerprint());
        // Presents this site's certificate: the inviting site pins the rest of the join to it.
        HttpClient pinned = PeerClient.pinned(pin, home.tls());
        JsonNode hello = PeerClient.send(pinned, token.site(), token.url(), "GET", "/api/v1/peer/hello", null,
                Duration.ofSeconds(10));
        if (!CuspVersion.VERSION.equals(hello.path("version").asText())) {
            throw new CuspException(ErrorCode.CONFLICT, "version mismatch: " + token.site() + " runs Cusp "
                    + hello.path("version").asText() + ", this site " + CuspVersion.VERSION
                    + "; run the same version on both");
        }
        JoinRequest req = new JoinRequest(token.secret(), id.siteName(), CuspVersion.VERSION,
                PracticeSchema.latestControlVersion(), PracticeSchema.latestPracticeVersion(), site.url(),
                site.nodeHost(), id.dbPort(), TlsContexts.pem(CertificateAuthority.load(home.tls().caCert())),
                id.serverId(), id.gtidDomainId(), tenants.all().size(), force);
        job.step("asking " + token.site() + " to admit " + id.siteName());
        JoinGrant grant = read(PeerClient.send(pinned, token.site(), token.url(), "POST", "/api/v1/peer/join", req,
                Duration.ofSeconds(60)), token.site());
        SourceAccount offered = grant.source();
        if (offered == null || !NetAddresses.nodeHost(offered.nodeHost()) || !NetAddresses.port(offered.nodePort())) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "site " + token.site() + " answered the join with a node"
                    + " address that is not a host name or IP address and a port from 1 to 65535; nothing replicates"
                    + " from it");
        }
        String role = grant.role();
        job.step("admitted as " + role + ("peer".equals(role) ? " (key offset " + grant.keyOffset()
                + " of " + grant.capacity() + ")" : " of " + grant.upstream()));

        List<Member> group = grant.members().stream().map(GroupJson::read).toList();
        trust.refresh(group);
        Member source = group.stream().filter(m -> m.name().equals(token.site())).findFirst()
                .orElseThrow(() -> new CuspException(ErrorCode.INTERNAL, "the inviting site is not in its own group"));

        boolean writable = "peer".equals(role);
        KeySpacing keys = writable ? new KeySpacing(grant.capacity(), grant.keyOffset())
                : new KeySpacing(1, 1);
        // A replica and a ring member replicate from one site, a mesh peer from every active peer.
        int sources = !writable || Topology.RING.equals(grant.topology()) ? 1
                : (int) Math.max(1, group.stream().filter(m -> m.peer() && m.active()
                && !m.name().equals(id.siteName())).count());
        List<NodeSettings.Row> table = reconciler.applyNodeSettings(writable, keys, sources);
        job.step("node settings checked: " + table.stream().filter(r -> !r.action().equals("ok"))
                .map(r -> r.setting() + " " + r.current() + " -> " + r.required()).collect(Collectors.joining(", "))
                .transform(s -> s.isEmpty() ? "all as required" : "changed " + s));

        secrets.adopt(grant.masterKey(), home.masterKey());
        Seeder.Result seeded = snapshots.seedFrom(source, job);
        SourceAccount src = grant.source();
        job.step("starting replication from " + source.name());
        channels.start(new ReplicationSource(source.name(), src.nodeHost(), src.nodePort(), src.user(), src.password(),
                trust.caFile(source)), id.gtidDomainId());
        peers.call(source, "POST", "/api/v1/peer/join/complete", Map.of("site", id.siteName(), "seed_gtid",
                seeded.gtidPos()), Duration.ofSeconds(30));
        job.step("joined: " + id.siteName() + " is an active " + role + "; links to the other sites follow within"
                + " seconds");
        return new Joined(id.siteName(), role, source.name(), table.stream().map(r -> new NodeSettingRow(r.setting(),
                r.current(), r.required(), r.action())).toList(), Snapshots.summary(seeded), null);
    }

    /** The inviting site's answer; one that is not a grant is that site's fault, named. */
    private static JoinGrant read(JsonNode answer, String from) {
        try {
            return JsonMapping.read(answer, JoinGrant.class);
        } catch (IllegalArgumentException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "site " + from + " answered the join with something else"
                    + " than a grant: " + e.getMessage());
        }
    }
}
