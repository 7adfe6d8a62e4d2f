package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.time.Duration;
import java.util.Map;

/**
 * A report replica's own membership row, moved at its request by the site it replicates from.
 * The replica's node is read-only, so it cannot record a new address itself (as a peer does in
 * {@link Reconciler}); without this, a replica restarted on another port is never called again.
 *
 * <p>What a member certificate can do with it: move its own row, to an address where a server
 * holding a certificate of its own CA answers as that site. The caller is whoever
 * {@code PeerAccess} found behind the client certificate, never a name from the body, and the
 * new address is called with a client that trusts only the caller's CA before the row changes:
 * pointing it at another site (whose server presents that site's CA) fails the TLS check. So
 * calls meant for another site are never redirected.
 */
final class UrlMoves {
    static final String PATH = "/api/v1/peer/url";

    private final Membership site;
    private final PeerClient peers;

    UrlMoves(Membership site, PeerClient peers) {
        this.site = site;
        this.peers = peers;
    }

    /** What a replica sends its upstream: its own name, where it serves and where its node listens. */
    static Map<String, Object> request(Membership self) {
        return Map.of("site", self.siteName(), "url", self.url(), "node_host", self.nodeHost(),
                "node_port", self.id().dbPort());
    }

    /** Moves {@code caller}'s own row after checking the caller answers at {@code url}. */
    Map<String, Object> move(Member caller, String name, String sentUrl, String nodeHost, long nodePort) {
        if (!caller.name().equals(name)) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + caller.name() + " can only move its own row, not"
                    + " site " + name + "'s", "site");
        }
        // Checked before anything is called or written: the row replicates to every member, which
        // then calls the URL and points a replication channel at the host.
        String url = PeerAddresses.url(sentUrl);
        PeerAddresses.nodeHost(nodeHost);
        int port = PeerAddresses.nodePort(nodePort);
        Member self = site.self();
        if (self == null || !self.peer()) {
            throw new CuspException(ErrorCode.READ_ONLY, "site " + site.siteName() + " is not a peer; only a peer"
                    + " records a member's new address");
        }
        if (!url.equals(caller.url())) {
            JsonNode hello;
            try {
                hello = peers.callAt(caller, url, "GET", "/api/v1/peer/hello", null, Duration.ofSeconds(10));
            } catch (CuspException e) {
                throw new CuspException(ErrorCode.FORBIDDEN, "site " + caller.name() + " does not answer at " + url
                        + " with a certificate of its own CA: " + e.getMessage(), "url");
            }
            if (!caller.name().equals(hello.path("site").asText())) {
                throw new CuspException(ErrorCode.FORBIDDEN, "the site answering at " + url + " says it is '"
                        + hello.path("site").asText() + "', not " + caller.name(), "url");
            }
        }
        try {
            site.members().moveAddress(caller.name(), url, nodeHost, port);
        } catch (IllegalStateException e) {
            // This node held read-only (a fault of its own): the replica asks again next cycle.
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot record the new address of site " + caller.name()
                    + " now; try again");
        }
        Group.LOG.info("group: site {} now serves at {} (it was known at {}); its row is updated at its request",
                caller.name(), url, caller.url());
        return Map.of("site", caller.name(), "url", url);
    }
}
