package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

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
    /** A host name or an IP address (IPv6 in brackets): what a node_host may hold, nothing else. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

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
    Map<String, Object> move(Member caller, String name, String url, String nodeHost, int nodePort) {
        if (!caller.name().equals(name)) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + caller.name() + " can only move its own row, not"
                    + " site " + name + "'s", "site");
        }
        validUrl(url);
        if (!HOST.matcher(nodeHost).matches()) {
            throw CuspException.invalid("node_host", "node_host must be a host name or an IP address");
        }
        if (nodePort < 1 || nodePort > 65535) {
            throw CuspException.invalid("node_port", "node_port must be a port number (1-65535)");
        }
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
            site.members().moveAddress(caller.name(), url, nodeHost, nodePort);
        } catch (IllegalStateException e) {
            // This node held read-only (a fault of its own): the replica asks again next cycle.
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot record the new address of site " + caller.name()
                    + " now; try again");
        }
        Group.LOG.info("group: site {} now serves at {} (it was known at {}); its row is updated at its request",
                caller.name(), url, caller.url());
        return Map.of("site", caller.name(), "url", url);
    }

    /** An absolute https URL of a host and port, nothing more (no user, path, query or fragment). */
    static void validUrl(String url) {
        try {
            URI u = new URI(url);
            if ("https".equals(u.getScheme()) && u.getHost() != null && u.getUserInfo() == null
                    && (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null
                    && u.getRawFragment() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // Same answer as any other bad URL below.
        }
        throw CuspException.invalid("url", "url must be an https URL of a host and port only, such as"
                + " https://host:8443");
    }
}
