package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.NetAddresses;
import dev.cusp.error.CuspException;

/**
 * A site's address as another site sends it (a join, a move): checked before anything is
 * written or called, and refused with 400 naming the field ({@link NetAddresses} says what is
 * allowed). The refusal never repeats the value: it may hold anything.
 */
final class PeerAddresses {
    private PeerAddresses() {
    }

    /** The URL as stored ({@code https://HOST[:PORT]}), or 400 naming {@code url}. */
    static String url(String url) {
        String ok = NetAddresses.httpsUrl(url);
        if (ok == null) {
            throw CuspException.invalid("url", "url must be an absolute https URL of a host name or IP address and"
                    + " an optional port, such as https://host:8443 (no user, path, query or fragment; at most "
                    + NetAddresses.MAX_URL + " characters)");
        }
        return ok;
    }

    /** The node host, or 400 naming {@code node_host}. */
    static String nodeHost(String host) {
        if (!NetAddresses.nodeHost(host)) {
            throw CuspException.invalid("node_host", "node_host must be a DNS host name (letters, digits, hyphens"
                    + " and dots, at most 253 characters), an IPv4 address or an IPv6 address without brackets");
        }
        return host;
    }

    /** The node port, or 400 naming {@code node_port}. */
    static int nodePort(long port) {
        if (!NetAddresses.port(port)) {
            throw CuspException.invalid("node_port", "node_port must be a port number from 1 to 65535");
        }
        return (int) port;
    }

    /** The node port as sent in JSON: a whole number from 1 to 65535, or 400 naming {@code node_port}. */
    static int nodePort(JsonNode port) {
        if (port == null || !port.isIntegralNumber() || !port.canConvertToLong()) {
            throw CuspException.invalid("node_port", "node_port must be a whole number from 1 to 65535");
        }
        return nodePort(port.asLong());
    }

    /** A text field as sent, or null when absent or not a JSON string (the check then refuses it). */
    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
