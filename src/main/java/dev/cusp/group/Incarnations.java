package dev.cusp.group;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A full copy of a site (CLONED_SITE): its folder or VM copied whole, certificate, identity
 * and data, and started at another address while the original runs. {@link IdentityClash}
 * cannot see it: the copy has the very identity the group knows. What differs is the process:
 * each site process makes a random incarnation id at start-up and sends it with every peer
 * call ({@link #HEADER}). A restart gives a new id and the old one is never heard again; a
 * copy running beside the original makes the two ids take turns. So a site that hears an id of
 * a member again after another id of that member was heard, both within {@link #WINDOW_MS},
 * names the member a copy; a site that hears its own name with an id not its own knows a copy
 * of itself calls. The finding clears once only one id is heard for {@link #WINDOW_MS}.
 * Synchronized: peer calls arrive on the server's threads, the watch reads on its own.
 */
public final class Incarnations {
    /** The request header that carries the calling process's incarnation id. */
    public static final String HEADER = "X-Cusp-Incarnation";
    /** How long an id counts as running after it was last heard (peers call every 2 s). */
    static final long WINDOW_MS = 20_000;
    private static final int MAX_IDS = 8;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8,64}");
    private final String mine;
    private final LongSupplier clock;
    private final Map<String, Track> sites = new TreeMap<>();

    public Incarnations() {
        this(newId(), System::currentTimeMillis);
    }

    Incarnations(String mine, LongSupplier clock) {
        this.mine = mine;
        this.clock = clock;
    }

    static String newId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** This process's id. */
    public String mine() {
        return mine;
    }

    /** What one member's ids were heard: first and last time, the latest id, and when two took turns. */
    private static final class Track {
        final Map<String, long[]> heard = new LinkedHashMap<>();
        final Map<String, String> from = new LinkedHashMap<>();
        String latest;
        long turnsAt = -1;
    }

    /**
     * A peer call from {@code site} (its certificate checked) carried {@code incarnation}, from
     * {@code address}. A call without one (a join's first calls, an older Cusp) is not counted.
     */
    public synchronized void heard(String site, String incarnation, String address) {
        if (site == null || incarnation == null || !ID.matcher(incarnation).matches()) {
            return;
        }
        long now = clock.getAsLong();
        Track t = sites.computeIfAbsent(site, k -> new Track());
        forgetOld(t, now);
        if (t.latest != null && !t.latest.equals(incarnation) && t.heard.containsKey(incarnation)) {
            t.turnsAt = now;
        }
        t.heard.computeIfAbsent(incarnation, k -> new long[] {now, now})[1] = now;
        t.from.put(incarnation, address);
        t.latest = incarnation;
        if (t.heard.size() > MAX_IDS) {
            // Only a holder of that member's certificate can send ids; however many it invents, a few are kept.
            String oldest = t.heard.entrySet().stream().min(Map.Entry.comparingByValue((x, y) -> Long.compare(x[1],
                    y[1]))).orElseThrow().getKey();
            t.heard.remove(oldest);
            t.from.remove(oldest);
        }
    }

    /**
     * Why {@code site} must be taken for a full copy now, if it must: two of its processes take
     * turns calling this one, or (for {@code site} = {@code self}) a process not this one calls
     * under this site's name.
     */
    public synchronized Optional<String> copy(String site, String self) {
        Track t = sites.get(site);
        if (t == null) {
            return Optional.empty();
        }
        forgetOld(t, clock.getAsLong());
        if (site.equals(self)) {
            for (String id : t.heard.keySet()) {
                if (!id.equals(mine)) {
                    return Optional.of("a second process calls the group as site " + self + " (incarnation "
                            + shortId(id) + " from " + t.from.get(id) + "; this one is " + shortId(mine)
                            + "): a full copy of " + self + "'s folder or VM runs at another address");
                }
            }
            return Optional.empty();
        }
        if (t.heard.size() < 2 || t.turnsAt < 0) {
            return Optional.empty();
        }
        StringBuilder ids = new StringBuilder();
        t.heard.keySet().forEach(id -> ids.append(ids.isEmpty() ? "" : " and ").append(shortId(id)).append(" from ")
                .append(t.from.get(id)));
        return Optional.of("two running processes call as site " + site + ", taking turns (incarnations " + ids
                + "): a full copy of " + site + "'s folder or VM (same certificate, identity and data) runs beside it;"
                + " nothing from " + site + " is replicated here and " + site + " takes no writes until one stops");
    }

    /** The members (not {@code self}) found to be running twice: what this site tells its peers. */
    public synchronized java.util.List<String> copies(String self) {
        return sites.keySet().stream().filter(s -> !s.equals(self)).filter(s -> copy(s, self).isPresent()).toList();
    }

    private static void forgetOld(Track t, long now) {
        t.heard.entrySet().removeIf(e -> e.getValue()[1] < now - WINDOW_MS);
        t.from.keySet().retainAll(t.heard.keySet());
        if (t.heard.size() < 2) {
            t.turnsAt = -1;
        }
    }

    private static String shortId(String id) {
        return id.substring(0, 8);
    }
}
