package dev.cusp.api;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows password guessing without letting an outsider lock anyone out. Failed attempts are
 * counted per client address and per user name; after {@code freeFailures} of them, each
 * further attempt must wait 1 s, then 2, 4, 8 ... up to {@code maxDelay} after the last failure,
 * and is answered 429 with {@code Retry-After} until then (its password is not even checked).
 *
 * <p>The per-user wait binds only addresses that have failed themselves: the real user, typing
 * the right password from an address that has not failed, is never held up by an attacker's
 * failures elsewhere. An attacker who sprays many addresses gets one free guess per fresh
 * address, and then waits like the rest. An IPv6 client counts by its /64 prefix, as one
 * host usually owns a whole /64.
 *
 * <p>Each attempt counts as a failure when it starts and is cleared when it succeeds, so
 * guesses sent in parallel cannot all slip through the free ones.
 *
 * <p>Memory is bounded: at most {@link #CAPACITY} addresses and as many user names are kept; an
 * entry is forgotten once its last failure is {@code max(1 h, 2 x maxDelay)} old, and when the
 * table is full the entry with the fewest failures goes first, so spraying fresh names or
 * addresses cannot flush out the count of a name under a long attack. The counts live in this
 * process only: a restart forgets them, and each site of a group counts its own.
 */
public final class LoginThrottle {
    /** Most client addresses, and most user names, remembered at once. */
    public static final int CAPACITY = 10_000;
    private static final long FORGET_MIN_MILLIS = Duration.ofHours(1).toMillis();

    private final int freeFailures;
    private final long maxDelayMillis;
    private final long forgetMillis;
    private final int capacity;
    private final LongSupplier clock;
    private final Map<String, Count> byAddress = new HashMap<>();
    private final Map<String, Count> byUser = new HashMap<>();

    private static final class Count {
        int failures;
        long last;
    }

    /** What the caller should log if the attempt fails: whether this failure starts a wait. */
    public record Attempt(boolean addressWaits, boolean userWaits) {
    }

    /** A login refused because its address or user must wait; the answer carries Retry-After. */
    public static final class Throttled extends CuspException {
        private static final long serialVersionUID = 1L;
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super(ErrorCode.TOO_MANY_REQUESTS, "too many failed logins: wait " + retryAfterSeconds
                    + " s before the next attempt (each further failure doubles the wait)");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    public LoginThrottle(int freeFailures, Duration maxDelay) {
        this(freeFailures, maxDelay, CAPACITY, System::currentTimeMillis);
    }

    LoginThrottle(int freeFailures, Duration maxDelay, int capacity, LongSupplier clockMillis) {
        this.freeFailures = freeFailures;
        this.maxDelayMillis = maxDelay.toMillis();
        this.forgetMillis = Math.max(FORGET_MIN_MILLIS, 2 * maxDelayMillis);
        this.capacity = capacity;
        this.clock = clockMillis;
    }

    /**
     * Starts an attempt: throws {@link Throttled} when the address, or the user for an address
     * that has failed, must still wait; otherwise counts the attempt as a failure until
     * {@link #succeeded} clears it.
     *
     * @param user the user name's key (tenant and name), or null when there is none to count
     */
    public synchronized Attempt begin(String address, String user) {
        long now = clock.getAsLong();
        Count a = live(byAddress, address, now);
        Count u = user == null ? null : live(byUser, user, now);
        long wait = waitOf(a, now);
        if (a != null && a.failures > 0) {
            wait = Math.max(wait, waitOf(u, now));
        }
        if (wait > 0) {
            throw new Throttled((wait + 999) / 1000);
        }
        a = count(byAddress, address, a, now);
        boolean userWaits = false;
        if (user != null) {
            u = count(byUser, user, u, now);
            userWaits = u.failures == freeFailures;
        }
        return new Attempt(a.failures == freeFailures, userWaits);
    }

    /** A successful login ends the waits of its address and its user. */
    public synchronized void succeeded(String address, String user) {
        byAddress.remove(address);
        if (user != null) {
            byUser.remove(user);
        }
    }

    /** Forgets a user's failures (an administrator's unlock); true when there were any. */
    public synchronized boolean forgetUser(String user) {
        return byUser.remove(user) != null;
    }

    private long waitOf(Count c, long now) {
        if (c == null || c.failures < freeFailures) {
            return 0;
        }
        int doublings = Math.min(c.failures - freeFailures, 40);
        long delay = Math.min(1000L << doublings, maxDelayMillis);
        return Math.max(0, c.last + delay - now);
    }

    /** The entry, or null when there is none or it is old enough to forget. */
    private Count live(Map<String, Count> m, String key, long now) {
        Count c = m.get(key);
        if (c != null && now - c.last > forgetMillis) {
            m.remove(key);
            return null;
        }
        return c;
    }

    private Count count(Map<String, Count> m, String key, Count c, long now) {
        if (c == null) {
            if (m.size() >= capacity) {
                evict(m, now);
            }
            c = new Count();
            m.put(key, c);
        }
        c.failures++;
        c.last = now;
        return c;
    }

    /** Drops forgotten entries; if none, the one with the fewest failures (the oldest among equals). */
    private void evict(Map<String, Count> m, long now) {
        int before = m.size();
        m.values().removeIf(c -> now - c.last > forgetMillis);
        if (m.size() < before) {
            return;
        }
        String victim = null;
        Count least = null;
        for (Iterator<Map.Entry<String, Count>> it = m.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Count> e = it.next();
            Count c = e.getValue();
            if (least == null || c.failures < least.failures || (c.failures == least.failures && c.last < least.last)) {
                least = c;
                victim = e.getKey();
            }
        }
        m.remove(victim);
    }

    /**
     * The key a client address counts under: an IPv4 address as it is, an IPv6 address by its
     * /64 prefix. The address is the TCP peer's; headers such as X-Forwarded-For are not
     * trusted, since any client can send them.
     */
    public static String clientKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isEmpty()) {
            return "unknown";
        }
        String literal = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
                ? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        try {
            // A literal with ':' is parsed, never looked up in DNS.
            InetAddress ip = InetAddress.getByName(literal);
            if (ip instanceof Inet6Address) {
                byte[] b = ip.getAddress();
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
                }
                return s.append(":/64").toString();
            }
            return ip.getHostAddress(); // an IPv4-mapped IPv6 address
        } catch (UnknownHostException e) {
            return literal;
        }
    }
}
