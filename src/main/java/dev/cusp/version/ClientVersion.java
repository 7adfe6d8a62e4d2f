package dev.cusp.version;

import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import io.javalin.http.Context;

/**
 * The check every API request passes: a client that says which Cusp version it is (header
 * {@value #HEADER}) must run this site's major.minor. Patch releases talk to each other. A
 * request without the header (curl, a browser, a monitoring probe) is served: the check is
 * there to stop an out-of-date CLI or practice application, not to lock out plain HTTP tools.
 */
public final class ClientVersion {
    public static final String HEADER = "Cusp-Client-Version";

    private ClientVersion() {
    }

    /** Javalin before-handler: refuses a client of another major.minor. */
    public static void check(Context ctx) {
        String client = ctx.header(HEADER);
        if (client == null || client.isBlank()) {
            return;
        }
        require(client.trim(), CuspVersion.VERSION);
    }

    /** Refuses {@code client} unless it has the same major.minor as {@code site}, naming the side to update. */
    public static void require(String client, String site) {
        int[] c = parse(client);
        if (c == null) {
            throw new CuspException(ErrorCode.INVALID_INPUT, HEADER + " must be a version like 1.2.3, not '"
                    + (client.length() > 40 ? client.substring(0, 40) : client) + "'", HEADER);
        }
        int[] s = parse(site);
        if (c[0] == s[0] && c[1] == s[1]) {
            return;
        }
        boolean clientOlder = c[0] < s[0] || (c[0] == s[0] && c[1] < s[1]);
        throw new CuspException(ErrorCode.VERSION_MISMATCH, "this site runs Cusp " + site + "; your client is "
                + client + ": " + (clientOlder ? "update the client to " + majorMinor(site) + ".x"
                : "update the site to " + majorMinor(client) + ".x (or use a " + majorMinor(site) + ".x client)"),
                HEADER);
    }

    /** True when both versions have the same major.minor. */
    public static boolean compatible(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        return x != null && y != null && x[0] == y[0] && x[1] == y[1];
    }

    private static String majorMinor(String v) {
        int[] p = parse(v);
        return p[0] + "." + p[1];
    }

    static int[] parse(String v) {
        if (v == null || !v.matches("[0-9]{1,4}\\.[0-9]{1,4}(\\.[0-9]{1,6})?([-+][A-Za-z0-9.-]{0,40})?")) {
            return null;
        }
        String[] p = v.split("[.+-]");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
