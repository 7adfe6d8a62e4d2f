package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.replication.ReplicationAccounts;
import dev.cusp.secret.SecretBox;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tls.TlsContexts;
import dev.cusp.wire.JoinGrant;
import dev.cusp.wire.SourceAccount;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The inviting side of a join ({@link Joining} is the joining side): checks the joining site
 * against the one-time secret, versions, names, identities and the writer limit, creates its
 * replication account here, records it as joining, and answers what it needs to seed and
 * replicate.
 */
final class Admission {
    private final Membership site;
    private final Invites invites;
    private final DataSource admin;
    private final SecretBox secrets;
    private final GroupTrust trust;

    Admission(Membership site, Invites invites, DataSource admin, SecretBox secrets, GroupTrust trust) {
        this.site = site;
        this.invites = invites;
        this.admin = admin;
        this.secrets = secrets;
        this.trust = trust;
    }

    JoinGrant accept(JsonNode req, String remoteAddress, X509Certificate clientCert) {

        Invites.Invite inv = invites.check(req.path("secret").asText(null));
        String name = req.path("site").asText("");
        String version = req.path("version").asText("");
        if (!CuspVersion.VERSION.equals(version)) {
            throw new CuspException(ErrorCode.CONFLICT, "version mismatch: this site runs Cusp "
                    + CuspVersion.VERSION + ", the joining site " + version + "; run the same version on both", "version");
        }
        for (String[] s : List.of(new String[] {"control_schema", PracticeSchema.latestControlVersion()},
                new String[] {"practice_schema", PracticeSchema.latestPracticeVersion()})) {
            if (!s[1].equals(req.path(s[0]).asText(""))) {
                throw new CuspException(ErrorCode.CONFLICT, "schema mismatch: " + s[0].replace('_', ' ') + " version "
                        + s[1] + " here, " + req.path(s[0]).asText("?") + " at the joining site", s[0]);
            }
        }
        ReplicationAccounts.userFor(name);
        // Where every member will call it and point a replication channel: checked before anything
        // is written (no account, no row, no use of the invitation), so a refusal keeps nothing.
        String url = PeerAddresses.url(PeerAddresses.text(req, "url"));
        String nodeHost = PeerAddresses.nodeHost(PeerAddresses.text(req, "node_host"));
        int nodePort = PeerAddresses.nodePort(req.get("node_port"));
        List<Member> all = site.members().all();
        Optional<Member> existing = all.stream().filter(m -> m.name().equals(name)).findFirst();
        String caPem = req.path("ca_pem").asText("");
        X509Certificate ca = caCertificate(caPem);
        requireSignedBy(clientCert, ca);
        if (existing.isPresent() && !(existing.get().state().equals(Member.JOINING)
                && existing.get().caPem().equals(caPem))) {
            throw new CuspException(ErrorCode.CONFLICT, "a site named '" + name + "' is already in the group; give"
                    + " the new site another name (site.name)", "site");
        }
        long serverId = req.path("server_id").asLong();
        long domain = req.path("gtid_domain_id").asLong();
        for (Member m : all) {
            if (!m.name().equals(name) && (m.serverId() == serverId || m.gtidDomainId() == domain)) {
                throw new CuspException(ErrorCode.CONFLICT, "the joining site's server_id or gtid_domain_id equals"
                        + " site " + m.name() + "'s; start it from a fresh folder so it draws new ones", "server_id");
            }
        }
        if (req.path("tenants").asInt(0) > 0) {
            throw new CuspException(ErrorCode.CONFLICT, "the joining site hosts " + req.path("tenants").asInt()
                    + " tenants; joining replaces its data with the group's. Back them up and drop them, or join"
                    + " from a fresh site", "tenants");
        }
        int capacity = site.capacity();
        Integer offset = null;
        if (Member.PEER.equals(inv.role())) {
            Set<Integer> used = all.stream().filter(m -> m.peer() && !m.name().equals(name))
                    .map(Member::keyOffset).collect(Collectors.toCollection(TreeSet::new));
            long writers = used.size() + 1;
            if (writers > capacity) {
                if (!req.path("force").asBoolean(false)) {
                    throw new CuspException(ErrorCode.CONFLICT, "the group has " + used.size() + " writable sites;"
                            + " more than " + capacity + " is refused: every writer adds conflicts and catch-up work"
                            + " for all the others (replication best practice). Add it as a report replica, or"
                            + " join with --force", "force");
                }
                capacity = (int) writers;
                site.members().putSetting("capacity", Integer.toString(capacity));
            }
            offset = 1;
            while (used.contains(offset)) {
                offset++;
            }
        }
        String upstream = Member.REPLICA.equals(inv.role()) ? site.siteName() : null;
        String password = ReplicationAccounts.create(admin, name, remoteAddress);
        if (existing.isEmpty()) {
            int seq = all.stream().mapToInt(Member::joinSeq).max().orElse(0) + 1;
            site.members().insert(new Member(name, inv.role(), Member.JOINING, url,
                    nodeHost, nodePort, TlsContexts.pem(ca), serverId,
                    domain, offset, upstream, null, seq, version));
        }
        invites.use(req.path("secret").asText(), name, TlsContexts.fingerprint(clientCert));
        trust.refresh(site.members().all());
        Group.LOG.info("group: accepted site {} as {} (key offset {}, capacity {})", name, inv.role(), offset, capacity);
        SiteIdentity id = site.id();
        SourceAccount source = new SourceAccount(id.siteName(), site.nodeHost(), id.dbPort(),
                ReplicationAccounts.userFor(name), password);
        return new JoinGrant(inv.role(), offset, capacity, upstream, site.topology(), secrets.export(), source,
                site.members().all().stream().map(GroupJson::member).toList());
    }

    /**
     * The joining site's CA as sent: a PEM certificate that is a CA (the group trusts what it
     * signs). Anything else is the caller's mistake (400 naming ca_pem), whatever the parser
     * throws on it.
     */
    private static X509Certificate caCertificate(String pem) {
        X509Certificate ca;
        try {
            ca = TlsContexts.parsePem(pem);
        } catch (RuntimeException e) {
            throw CuspException.invalid("ca_pem", "ca_pem is not a PEM X.509 certificate; send the joining site's"
                    + " HOME/tls/ca.pem");
        }
        if (ca == null || ca.getBasicConstraints() < 0) {
            throw CuspException.invalid("ca_pem", "ca_pem is not a CA certificate (no basic constraints CA:true);"
                    + " send the joining site's HOME/tls/ca.pem, not its site certificate");
        }
        return ca;
    }

    /**
     * The certificate presented with the secret must be the joining site's own, signed by the CA
     * it asks the group to trust: whoever holds the secret must also hold that key, and the rest
     * of the join answers only this certificate (pinned with the invitation).
     */
    private static void requireSignedBy(X509Certificate leaf, X509Certificate ca) {
        if (leaf == null) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED, "a join needs the joining site's certificate (mutual"
                    + " TLS): the rest of the join is pinned to it");
        }
        try {
            leaf.checkValidity();
            leaf.verify(ca.getPublicKey());
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            // RuntimeException: a provider may throw one on a key or signature it cannot use.
            throw new CuspException(ErrorCode.FORBIDDEN, "the client certificate presented with the join is not a"
                    + " valid certificate signed by the CA the joining site sent (ca_pem)", "ca_pem");
        }
    }
}
