package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.secret.Passwords;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens issued at login, kept in memory: a restart logs everyone out, which is the
 * safe side. A token belongs either to the site admin or to one user of one tenant.
 */
public final class Sessions {
    /** A logged-in caller; {@code tenant} is null for the site admin. */
    public record Session(String tenant, long userId, String userName, boolean admin, Instant expiresAt) {
        public boolean siteAdmin() {
            return tenant == null;
        }
    }

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final Duration ttl;

    public Sessions(Duration ttl) {
        this.ttl = ttl;
    }

    public String issue(String tenant, long userId, String userName, boolean admin) {
        purgeExpired();
        String token = Passwords.token();
        byToken.put(token, new Session(tenant, userId, userName, admin, Instant.now().plus(ttl)));
        return token;
    }

    /** Registers a token that does not expire (the local CLI token, replaced at each start). */
    public void registerSiteAdmin(String token) {
        byToken.put(token, new Session(null, 0, "site-admin", true, Instant.MAX));
    }

    public Session require(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED,
                    "missing bearer token: log in first and send 'Authorization: Bearer <token>'");
        }
        Session s = byToken.get(authorization.substring(7).trim());
        if (s == null || s.expiresAt().isBefore(Instant.now())) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED, "the token is unknown or has expired: log in again");
        }
        return s;
    }

    public void revoke(String authorization) {
        if (authorization != null && authorization.startsWith("Bearer ")) {
            byToken.remove(authorization.substring(7).trim());
        }
    }

    /** Ends every session of a tenant (suspend, drop). */
    public void revokeTenant(String tenant) {
        byToken.values().removeIf(s -> tenant.equals(s.tenant()));
    }

    public Duration ttl() {
        return ttl;
    }

    private void purgeExpired() {
        Instant now = Instant.now();
        byToken.values().removeIf(s -> s.expiresAt().isBefore(now));
    }
}
