package dev.cusp.group;

import dev.cusp.base.FilePermissions;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.site.SiteHome;
import dev.cusp.tls.PeerTrust;
import dev.cusp.tls.RevocationList;
import dev.cusp.tls.TlsContexts;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The group's certificate authorities where this site uses them: the API's peer trust (which
 * callers are members) and the CA file each replication link verifies its source with.
 */
final class GroupTrust {
    private final PeerTrust trust;
    private final SiteHome home;
    private final EmbeddedNode node;

    GroupTrust(PeerTrust trust, SiteHome home, EmbeddedNode node) {
        this.trust = trust;
        this.home = home;
        this.node = node;
    }

    PeerTrust peerTrust() {
        return trust;
    }

    /** Trusts the CAs of {@code all} but this site's own, and no others. */
    void refresh(List<Member> all) {
        Map<String, X509Certificate> cas = new HashMap<>();
        String me = home.identity().siteName();
        for (Member m : all) {
            if (!m.name().equals(me)) {
                cas.put(m.name(), TlsContexts.parsePem(m.caPem()));
            }
        }
        trust.update(cas);
        // The addresses too: a member whose list was never read is fetched on the spot when it
        // first calls (a site that just joined), not only by the next round of fetches.
        trust.listUrls(listUrls(all));
    }

    /** Reads the other members' revocation lists again, each at its own address (see {@link PeerTrust#siteOf}). */
    void fetchRevocations(List<Member> all) {
        trust.fetchRevocations(listUrls(all));
    }

    private Map<String, String> listUrls(List<Member> all) {
        Map<String, String> urls = new HashMap<>();
        for (Member m : all) {
            if (m.url() != null && !m.name().equals(home.identity().siteName())) {
                urls.put(m.name(), m.url() + RevocationList.PATH);
            }
        }
        return urls;
    }

    /** The CA file a link from {@code m} verifies it with, as the node's server reads it. */
    Path caFile(Member m) {
        Path f = home.dir().resolve("tls/peers/" + m.name() + ".pem");
        FilePermissions.privateDir(f.getParent());
        FilePermissions.writePrivate(f, m.caPem());
        // MASTER_SSL_CA is read by the server, which may run as the db OS user: give it its copy.
        return node.serverCopy("peer-" + m.name(), f);
    }
}
