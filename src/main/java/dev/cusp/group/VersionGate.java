package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's version rule: this site replicates only from sites that run the same Cusp
 * version, so a site updated ahead of the others neither sends nor takes changes until the
 * others run its version too. A source's version is asked live ({@code /peer/hello}, cached
 * 10 s), since a restarted site may not have replicated its new version here yet; when it
 * cannot be reached, the version recorded in the membership counts. Also keeps this site's own
 * membership row current (its version and the practice schema it carries).
 */
final class VersionGate {
    private static final Logger LOG = LoggerFactory.getLogger(VersionGate.class);
    private static final Duration FRESH = Duration.ofSeconds(10);
    private final PeerClient peers;
    private final DataSource admin;
    private final Supplier<String> ours;
    private final String practiceLatest;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, String> holds = new ConcurrentHashMap<>();

    private record Seen(String version, long atNanos) {
    }

    /** {@code ours}: the version this site runs (the build's, unless a test plays another). */
    VersionGate(PeerClient peers, DataSource admin, Supplier<String> ours, String practiceLatest) {
        this.peers = peers;
        this.admin = admin;
        this.ours = ours;
        this.practiceLatest = practiceLatest;
    }

    /** Why replication from {@code theirSite} must wait, if it must. */
    static Optional<String> refusal(String theirSite, String theirs, String ours) {
        if (theirs == null || theirs.isBlank() || theirs.equals(ours)) {
            return Optional.empty();
        }
        boolean theyAreOlder = compare(theirs, ours) < 0;
        return Optional.of("site " + theirSite + " runs Cusp " + theirs + ", this site " + ours + ": replication from "
                + theirSite + " is held until both run the same version; update "
                + (theyAreOlder ? theirSite + " to " + ours : "this site to " + theirs));
    }

    /** Checks a source; records and logs a hold (once) or its end. */
    Optional<String> check(Member src) {
        String mine = ours.get();
        Optional<String> r = refusal(src.name(), versionOf(src), mine);
        String before = r.isPresent() ? holds.put(src.name(), r.get()) : holds.remove(src.name());
        if (r.isPresent() && !r.get().equals(before)) {
            LOG.warn("group: {}", r.get());
        } else if (r.isEmpty() && before != null) {
            LOG.info("group: site {} runs Cusp {} again; replication from it resumes", src.name(), mine);
        }
        return r;
    }

    /** Forgets holds of sites that are no longer sources. */
    void retain(java.util.Set<String> sources) {
        holds.keySet().retainAll(sources);
    }

    Map<String, String> holds() {
        return Map.copyOf(holds);
    }

    private String versionOf(Member src) {
        Seen s = seen.get(src.name());
        if (s != null && System.nanoTime() - s.atNanos() < FRESH.toNanos()) {
            return s.version();
        }
        String v;
        try {
            JsonNode hello = peers.call(src, "GET", "/api/v1/peer/hello", null, Duration.ofSeconds(2));
            v = hello.path("version").asText(src.version());
        } catch (CuspException e) {
            v = src.version();
        }
        seen.put(src.name(), new Seen(v, System.nanoTime()));
        return v;
    }

    /** A peer keeps its own row current; a replica's row is written by no one (it must not diverge). */
    void recordSelf(Member mine) {
        if (!mine.peer()) {
            return;
        }
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT version, practice_schema FROM cusp.site WHERE name = ?")) {
            ps.setString(1, mine.name());
            String version = ours.get();
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || (version.equals(rs.getString(1))
                        && practiceLatest.equals(rs.getString(2)))) {
                    return;
                }
            }
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE cusp.site SET version = ?, practice_schema = ? WHERE name = ?")) {
                up.setString(1, version);
                up.setString(2, practiceLatest);
                up.setString(3, mine.name());
                up.executeUpdate();
            }
            LOG.info("group: site {} recorded as Cusp {} with practice schema up to V{}", mine.name(),
                    version, practiceLatest);
        } catch (SQLException e) {
            LOG.warn("group: cannot record this site's version: {}", e.getMessage());
        }
    }

    static int compare(String a, String b) {
        String[] x = a.split("[.+-]");
        String[] y = b.split("[.+-]");
        for (int i = 0; i < Math.min(3, Math.min(x.length, y.length)); i++) {
            try {
                int d = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
                if (d != 0) {
                    return d;
                }
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
