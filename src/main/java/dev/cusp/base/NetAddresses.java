package dev.cusp.base;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * What a site's address may be, wherever one is taken in: a joining site's {@code url},
 * {@code node_host} and {@code node_port}, a member's move to a new address, this site's own
 * {@code site.address}, and a replication source before {@code CHANGE MASTER}. These values are
 * stored in the group's membership table, which replicates to every site, and every member then
 * calls the URL and points its replication channels at the host: nothing but a host name, an IP
 * literal or an https URL of one may ever get there (no quotes, backslashes, control characters,
 * user names, paths or queries). Checks only; never resolves a name.
 */
public final class NetAddresses {
    /** The longest URL the membership table holds ({@code cusp.site.url VARCHAR(255)}). */
    public static final int MAX_URL = 255;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private NetAddresses() {
    }

    /**
     * A DNS host name (RFC 1123: labels of letters, digits and inner hyphens, 1 to 63 characters,
     * at most 253 in all, no trailing dot). All-numeric names must be a valid IPv4 address.
     */
    public static boolean hostName(String s) {
        if (s == null || s.isEmpty() || s.length() > 253) {
            return false;
        }
        if (NUMERIC.matcher(s).matches()) {
            return ipv4(s);
        }
        for (String label : s.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A dotted-quad IPv4 address (no leading zeros, which some resolvers read as octal). */
    public static boolean ipv4(String s) {
        if (s == null) {
            return false;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!OCTET.matcher(p).matches() || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 literal without brackets or zone ({@code ::1}, {@code fd00::2}, {@code ::ffff:10.0.0.1}). */
    public static boolean ipv6(String s) {
        if (s == null || !IPV6_CHARS.matcher(s).matches() || s.indexOf(':') < 0) {
            return false;
        }
        try {
            // A string of hex digits, colons and dots with a colon is parsed as a literal, never looked up.
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * What a node's host may be ({@code node_host}, {@code site.address}, {@code MASTER_HOST}): a
     * host name, an IPv4 address, or an IPv6 address without brackets (as MariaDB takes it).
     */
    public static boolean nodeHost(String s) {
        return hostName(s) || ipv6(s);
    }

    /** A TCP port a site can listen on: 1 to 65535. */
    public static boolean port(long p) {
        return p >= 1 && p <= 65535;
    }

    /**
     * The URL as stored, {@code https://HOST[:PORT]}, or null when {@code s} is anything else: an
     * absolute https URL whose host is a host name or IP literal (IPv6 in brackets), with an
     * optional port of 1 to 65535 and at most a path of {@code /} (dropped, since a peer call
     * appends its own path), and no user, query or fragment. At most {@link #MAX_URL} characters.
     */
    public static String httpsUrl(String s) {
        if (s == null || s.length() > MAX_URL) {
            return null;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
        String host = u.getHost();
        String path = u.getRawPath();
        if (!"https".equals(u.getScheme()) || u.isOpaque() || host == null || u.getRawUserInfo() != null
                || u.getRawQuery() != null || u.getRawFragment() != null
                || !(path == null || path.isEmpty() || path.equals("/"))) {
            return null;
        }
        boolean hostOk = host.startsWith("[") && host.endsWith("]")
                ? ipv6(host.substring(1, host.length() - 1)) : hostName(host);
        int port = u.getPort();
        if (!hostOk || (port != -1 && !port(port))) {
            return null;
        }
        String authority = host + (port == -1 ? "" : ":" + port);
        // The authority exactly as parsed: nothing URI tolerated and dropped (an empty or zero-padded port).
        if (!authority.equals(u.getRawAuthority())) {
            return null;
        }
        return "https://" + authority;
    }
}
