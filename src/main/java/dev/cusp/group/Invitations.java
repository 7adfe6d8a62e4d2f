package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.ReplicationAccounts;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import dev.cusp.wire.Hello;
import dev.cusp.wire.Invitation;
import dev.cusp.wire.JoinGrant;
import dev.cusp.wire.LinkGrant;
import dev.cusp.wire.TopologyChanged;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The inviting side of the group: invitations (founding the group with the first), the
 * public hello, admitting a joining site ({@link Admission}), its completion, the replication
 * accounts this site grants the members that replicate from it, and the group's topology.
 */
final class Invitations {
    private final Membership site;
    private final Invites invites;
    private final Admission admission;
    private final Reconciler reconciler;
    private final CertificateAuthority tls;
    private final DataSource admin;

    Invitations(Membership site, Invites invites, Admission admission, Reconciler reconciler, CertificateAuthority tls,
                DataSource admin) {
        this.site = site;
        this.invites = invites;
        this.admission = admission;
        this.reconciler = reconciler;
        this.tls = tls;
        this.admin = admin;
    }

    Invitation invite(String role, Duration validFor, String topology) {
        if (!Member.PEER.equals(role) && !Member.REPLICA.equals(role)) {
            throw CuspException.invalid("role", "role must be 'peer' or 'replica'");
        }
        if (topology != null && !Topology.known(topology)) {
            throw CuspException.invalid("topology", "topology must be 'mesh' or 'ring'");
        }
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(7)) > 0) {
            throw CuspException.invalid("expires", "an invitation lasts from 1 minute to 7 days");
        }
        reconciler.locked(() -> {
            found(topology);
            return null;
        });
        Member me = site.self();
        if (me == null || !me.peer() || !me.active()) {
            throw new CuspException(ErrorCode.READ_ONLY, "only an active peer can invite; this site is "
                    + (me == null ? "not in a group" : "a " + me.role()));
        }
        String secret = invites.issue(role, validFor);
        JoinToken token = new JoinToken(site.siteName(), site.url(), tls.caFingerprint(), secret);
        return new Invitation(token.encode(), role, site.siteName(), site.url(), tls.caFingerprint(),
                Instant.now().plus(validFor).toString(), site.topology());
    }

    /** Makes this site the first member of a new group, unless it already is in one. */
    private void found(String topology) {
        Members members = site.members();
        if (members.all().isEmpty()) {
            SiteIdentity id = site.id();
            members.insert(new Member(id.siteName(), Member.PEER, Member.ACTIVE, site.url(), site.nodeHost(),
                    id.dbPort(), TlsContexts.pem(CertificateAuthority.load(tls.caCert())), id.serverId(),
                    id.gtidDomainId(), 1, null, null, 1, CuspVersion.VERSION));
            members.putSetting("topology", topology == null ? Topology.MESH : topology);
            members.putSetting("capacity", Integer.toString(Group.DEFAULT_CAPACITY));
            Group.LOG.info("group: founded by {} ({})", id.siteName(), topology == null ? Topology.MESH : topology);
            reconciler.reconcile();
        } else if (topology != null) {
            members.putSetting("topology", topology);
        }
    }

    /** What this site tells a joining site about itself before anything else: public facts. */
    Hello hello() {
        return new Hello(site.siteName(), site.version(), PracticeSchema.latestControlVersion(),
                PracticeSchema.latestPracticeVersion());
    }

    /** See {@link Group#accept}: under the reconciler's lock, as a membership change. */
    JoinGrant accept(JsonNode req, String remoteAddress, X509Certificate clientCert) {
        return reconciler.locked(() -> admission.accept(req, remoteAddress, clientCert));
    }

    /** True when this site admitted {@code joining} with a certificate of this SHA-256. */
    boolean joinPinned(String joining, String certSha256) {
        return invites.pinFor(joining).map(certSha256::equals).orElse(false);
    }

    /** The joining site has loaded its seed and replicates: it becomes active everywhere. */
    void complete(String joining, String seedGtid) {
        Member m = site.members().find(joining).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "site " + joining + " is not joining this group", "site"));
        if (!m.state().equals(Member.JOINING)) {
            return;
        }
        GtidPos.parse(seedGtid);
        site.members().activate(joining, seedGtid);
        Group.LOG.info("group: site {} is active (seeded at {})", joining, seedGtid);
        reconciler.reconcile();
    }

    /** A site that replicates from this one asks for its account: created here, returned once. */
    LinkGrant grantLink(String replicaSite, String remoteAddress) {
        Member m = site.members().find(replicaSite).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN,
                "site " + replicaSite + " is not in this group"));
        String password = ReplicationAccounts.create(admin, m.name(), remoteAddress);
        return new LinkGrant(site.siteName(), site.nodeHost(), site.id().dbPort(), ReplicationAccounts.userFor(m.name()),
                password, ReplicationChannels.currentPos(admin));
    }

    /** Changes the peers' topology; every site re-links within seconds. */
    TopologyChanged topology(String topology) {
        if (!Topology.known(topology)) {
            throw CuspException.invalid("topology", "topology must be 'mesh' or 'ring'");
        }
        site.requireWritable("change the topology");
        if (site.self() == null) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not in a replication group; 'cusp invite"
                    + " --topology " + topology + "' founds one");
        }
        site.members().putSetting("topology", topology);
        reconciler.reconcile();
        return new TopologyChanged(topology);
    }
}
