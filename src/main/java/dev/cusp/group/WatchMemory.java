package dev.cusp.group;

import dev.cusp.replication.GtidPos;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the site watch must not forget across a restart ({@code HOME/site/watch.json}):
 * <ul>
 *   <li>the furthest GTID position seen from each member, per domain, with the seed it was
 *   seen under: a member seen further before than it holds now went backwards (restored from
 *   an old snapshot), and the file is how that is known after this site restarts too;</li>
 *   <li>findings that stay until the site they name is re-seeded (a new seed position), since
 *   the evidence can vanish: once a rolled-back site writes again, or the owner of a domain
 *   catches up past an errant transaction, the positions alone look normal.</li>
 * </ul>
 */
final class WatchMemory {
    /** A finding that stays: its code, the site it names, and that site's seed when it was found. */
    record Finding(String code, String site, String seed, String message, String fix) {
    }

    /** The furthest position seen from a member, under its seed. */
    record Seen(String seed, String pos) {
    }

    /** The file's content. */
    record Stored(Map<String, Seen> seen, Map<String, Finding> findings) {
    }

    private final Path file;
    private final Map<String, Seen> seen = new TreeMap<>();
    private final Map<String, Finding> findings = new TreeMap<>();

    WatchMemory(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                Stored m = dev.cusp.base.JsonMapping.MAPPER.readValue(file.toFile(), Stored.class);
                seen.putAll(m.seen() == null ? Map.of() : m.seen());
                findings.putAll(m.findings() == null ? Map.of() : m.findings());
            } catch (IOException | IllegalArgumentException e) {
                Group.LOG.warn("watch: cannot read {} ({}); starting without it", file, e.getMessage());
            }
        }
    }

    /**
     * Takes a member's position now; returns the position it was seen at before when it holds
     * less now in some domain (it went backwards), else null. A new seed starts afresh.
     */
    synchronized GtidPos observe(String member, String seed, GtidPos now) {
        Seen before = seen.get(member);
        GtidPos went = null;
        Map<Long, Long> max = new TreeMap<>(now.seqByDomain());
        Map<Long, Long> server = new TreeMap<>(now.serverByDomain());
        if (before != null && Objects.equals(before.seed(), seed)) {
            GtidPos old = GtidPos.parse(before.pos());
            if (!now.covers(old)) {
                went = old;
            }
            for (var e : old.seqByDomain().entrySet()) {
                if (e.getValue() > max.getOrDefault(e.getKey(), 0L)) {
                    max.put(e.getKey(), e.getValue());
                    server.put(e.getKey(), old.serverByDomain().get(e.getKey()));
                }
            }
        }
        Seen after = new Seen(seed, new GtidPos(max, server).toString());
        if (!after.equals(before)) {
            seen.put(member, after);
            save();
        }
        return went;
    }

    synchronized void forget(java.util.Set<String> keepMembers) {
        if (seen.keySet().retainAll(keepMembers) | findings.values().removeIf(f -> !keepMembers.contains(f.site()))) {
            save();
        }
    }

    /** Keeps a finding; one already kept under the key for the same seed stays as it was found. */
    synchronized void remember(String key, Finding f) {
        Finding before = findings.get(key);
        if (before == null || !Objects.equals(before.seed(), f.seed())) {
            findings.put(key, f);
            save();
        }
    }

    /** The findings still standing: those naming a site whose seed changed since are dropped. */
    synchronized Map<String, Finding> findings(Map<String, String> seedBySite) {
        boolean changed = findings.values().removeIf(f -> seedBySite.containsKey(f.site())
                && !Objects.equals(seedBySite.get(f.site()), f.seed()));
        if (changed) {
            save();
        }
        return new LinkedHashMap<>(findings);
    }

    private void save() {
        try {
            FilePermissions.writePrivate(file, dev.cusp.base.JsonMapping.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                    new Stored(seen, findings)));
        } catch (IOException | java.io.UncheckedIOException e) {
            Group.LOG.warn("watch: cannot write {}: {}", file, e.getMessage());
        }
    }
}
