package dev.cusp.group;

import dev.cusp.group.Monitor.Health;
import dev.cusp.group.Monitor.Link;
import dev.cusp.wire.GuardOverride;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two protections built on the links' states, as decisions (the API's route roles enforce
 * them): fencing, writes refused while replication here is broken or a fault of this site
 * holds its writes ({@code monitor.fence}); and the deletion guard, destructive operations
 * refused while a writable peer is disconnected, unless a site admin overrode it for a while.
 */
public final class WritePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(WritePolicy.class);

    /** What the policy decides on: the links now, the holds of site faults, the writable peers. */
    interface Facts {
        Collection<Link> links();

        /** Why a fault of this site holds its writes, if one does. */
        Optional<String> hold();

        /** Every other active member by name, true if it is writable. */
        Map<String, Boolean> writablePeers();
    }

    private final String site;
    private final boolean fence;
    private final Facts facts;
    private volatile Instant overrideUntil = Instant.EPOCH;
    private volatile String overrideReason;

    WritePolicy(String site, boolean fence, Facts facts) {
        this.site = site;
        this.fence = fence;
        this.facts = facts;
    }

    /**
     * True while a fault of this site itself (a clone, a roll-back, errant transactions) holds
     * its writes and fencing is on: the reconciler then keeps the node read-only as well, so a
     * practice's own writes through its database account (a login's trace) are refused too.
     */
    public boolean holdsWrites() {
        return fence && facts.hold().isPresent();
    }

    /** True when writes are refused here: see {@link #fenced()}. */
    public boolean isFenced() {
        return fenced().isPresent();
    }

    /** Why writes are refused here, if they are: replication here is broken and fencing is on. */
    public Optional<String> fenced() {
        if (!fence) {
            return Optional.empty();
        }
        Optional<String> held = facts.hold();
        if (held.isPresent()) {
            return Optional.of("writes are refused at site " + site + ": " + held.get() + "; reads go on.");
        }
        List<Link> broken = facts.links().stream().filter(l -> l.health() == Health.BROKEN).toList();
        if (broken.isEmpty()) {
            return Optional.empty();
        }
        Link b = broken.get(0);
        // The other writable sites: a broken link here is this site failing to apply their
        // changes, not a fault of theirs.
        Map<String, Boolean> peers = facts.writablePeers();
        List<String> healthy = peers.keySet().stream().filter(s -> Boolean.TRUE.equals(peers.get(s))).toList();
        return Optional.of("replication at site " + site + " is broken since " + b.since() + " (from " + b.source()
                + ": " + b.detail() + "); writes are refused here until it is repaired ('cusp reseed " + site
                + "'); reads go on." + (healthy.isEmpty() ? "" : " Write at " + String.join(" or ", healthy)
                + " meanwhile."));
    }

    /**
     * Why destructive operations are refused, if they are: a writable peer is disconnected,
     * so a merge or delete here could meet changes there that still have to arrive. The
     * override does not change this answer; {@link #deletionRefused()} weighs both.
     */
    public Optional<String> deletionGuard() {
        Map<String, Boolean> peers = facts.writablePeers();
        List<Link> away = facts.links().stream().filter(l -> (l.health() == Health.DISCONNECTED
                || l.health() == Health.BROKEN) && Boolean.TRUE.equals(peers.get(l.source()))).toList();
        if (away.isEmpty()) {
            return Optional.empty();
        }
        Link l = away.get(0);
        return Optional.of("site " + l.source() + " is disconnected since " + l.since() + "; merges, combines and"
                + " deletes wait until it is back, so they cannot meet its changes made meanwhile. A site admin can"
                + " override: 'cusp site guard-override --minutes N --reason TEXT'");
    }

    /** Why a destructive operation is refused now: the guard holds and no override is in force. */
    public Optional<String> deletionRefused() {
        return overrideReason().isPresent() ? Optional.empty() : deletionGuard();
    }

    /** A site admin lifts the deletion guard for a while; each use is written to the security log. */
    public synchronized GuardOverride override(Duration d, String reason) {
        overrideUntil = Instant.now().plus(d);
        overrideReason = reason;
        LOG.warn("monitor: deletion guard overridden until {}: {}", overrideUntil, reason);
        return new GuardOverride(overrideUntil.toString(), reason);
    }

    /** The override in force, if any: its reason. */
    public Optional<String> overrideReason() {
        return overrideUntil.isAfter(Instant.now()) ? Optional.of(overrideReason) : Optional.empty();
    }
}
