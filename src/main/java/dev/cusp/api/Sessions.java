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
 *
 * <p>A practice session remembers a stamp of its user's row (password hash and admin flag).
 * Changes made through this site's API end the user's sessions at once ({@link #revokeUser});
 * a change that arrives another way (replicated from another site of the group, or written
 * with the practice's database account) is found when the session is next used after
 * {@code recheck}: the row is read again, and a changed stamp, a lock or a deleted user ends
 * the session.
 */
public final class Sessions {
    /**
     * A logged-in caller; {@code tenant} is null for the site admin. {@code stamp} is the
     * user's row as of the last check, {@code checkedAt} when that was ({@link System#nanoTime}).
     */
    public record Session(String tenant, long userId, String userName, boolean admin, Instant expiresAt,
                          String stamp, long checkedAt) {
        public boolean siteAdmin() {
            return tenant == null;
        }

        Session checked(long at, String newStamp) {
            return new Session(tenant, userId, userName, admin, expiresAt, newStamp, at);
        }
    }

    /** Reads a practice user's current stamp: null when the user is gone or locked. */
    @FunctionalInterface
    public interface Stamps {
        String current(Session s);
    }

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final long recheckNanos;
    private volatile Stamps stamps;

    public Sessions(Duration ttl, Duration recheck) {
        this.ttl = ttl;
        this.recheckNanos = recheck.toNanos();
    }

    /** Where practice sessions re-read their user (set once by the practice routes). */
    void stampsFrom(Stamps source) {
        this.stamps = source;
    }

    /** A site-admin token. */
    public String issueSiteAdmin() {
        return issue(null, 0, "site-admin", true, null);
    }

    public String issue(String tenant, long userId, String userName, boolean admin, String stamp) {
        purgeExpired();
        String token = Passwords.token();
        byToken.put(token, new Session(tenant, userId, userName, admin, Instant.now().plus(ttl), stamp,
                System.nanoTime()));
        return token;
    }

    /** Registers a token that does not expire (the local CLI token, replaced at each start). */
    public void registerSiteAdmin(String token) {
        byToken.put(token, new Session(null, 0, "site-admin", true, Instant.MAX, null, 0));
    }

    public Session require(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED,
                    "missing bearer token: log in first and send 'Authorization: Bearer <token>'");
        }
        String token = authorization.substring(7).trim();
        Session s = byToken.get(token);
        if (s == null || s.expiresAt().isBefore(Instant.now())) {
            throw new CuspException(ErrorCode.UNAUTHENTICATED, "the token is unknown or has expired: log in again");
        }
        long now = System.nanoTime();
        Stamps source = stamps;
        if (!s.siteAdmin() && source != null && now - s.checkedAt() >= recheckNanos) {
            String current = source.current(s);
            if (current == null || !current.equals(s.stamp())) {
                byToken.remove(token);
                throw new CuspException(ErrorCode.UNAUTHENTICATED, "this session has ended: the user's password,"
                        + " role or access changed; log in again");
            }
            Session fresh = s.checked(now, current);
            byToken.replace(token, s, fresh);
            s = fresh;
        }
        return s;
    }

    public void revoke(String authorization) {
        if (authorization != null && authorization.startsWith("Bearer ")) {
            byToken.remove(authorization.substring(7).trim());
        }
    }

    /**
     * Ends every session of one practice user at this site, but for the caller's own token
     * ({@code keep}, an Authorization header or null), which takes {@code stamp} instead.
     */
    public void revokeUser(String tenant, long userId, String keep, String stamp) {
        String kept = keep != null && keep.startsWith("Bearer ") ? keep.substring(7).trim() : null;
        byToken.entrySet().removeIf(e -> tenant.equals(e.getValue().tenant()) && e.getValue().userId() == userId
                && !e.getKey().equals(kept));
        if (kept != null) {
            byToken.computeIfPresent(kept, (k, s) -> tenant.equals(s.tenant()) && s.userId() == userId
                    ? s.checked(System.nanoTime(), stamp) : s);
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
