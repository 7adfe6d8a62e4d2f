package dev.cusp.group;

import dev.cusp.group.Monitor.Health;
import dev.cusp.group.Monitor.Link;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what MariaDB shows of each link into a {@link Link}, look after look: remembers how
 * far each applier had got (a stuck applier is one that stopped moving) and the error fault
 * the reconciler's restart of a link hides ({@link LinkHealth#settle}). The decisions are
 * {@link LinkHealth}'s pure functions; this class keeps what they need between looks.
 * Not thread-safe: the {@link Monitor} calls it under its lock.
 */
final class LinkTracker {
    /** How far a link's applier had got, and when it last moved. */
    private record Progress(long applied, Instant movedAt) {
    }

    private final LinkHealth.Limits limits;
    private final Map<String, Progress> progress = new HashMap<>();
    private final Map<String, LinkHealth.Memory> memory = new HashMap<>();
    private final Map<String, String> rememberedDetail = new HashMap<>();

    LinkTracker(LinkHealth.Limits limits) {
        this.limits = limits;
    }

    /** What the monitor reads of a link at {@code now}; keeps track of the applier's progress. */
    private LinkHealth.Observation observe(LinkState l, Instant now) {
        GtidPos received = GtidPos.parse(l.gtidIoPos());
        GtidPos applied = GtidPos.parse(l.appliedPos());
        boolean waiting = !received.seqByDomain().isEmpty() && !applied.covers(received);
        long sum = 0;
        for (Long d : received.seqByDomain().keySet()) {
            sum += applied.seq(d);
        }
        Progress before = progress.get(l.channel());
        Progress after = before == null || before.applied() != sum || !waiting ? new Progress(sum, now) : before;
        progress.put(l.channel(), after);
        long idle = waiting ? Duration.between(after.movedAt(), now).toSeconds() : 0;
        return new LinkHealth.Observation(LinkHealth.Receiver.of(l.receiverState()), l.applierRunning(),
                l.ioErrno(), l.sqlErrno(), l.secondsBehind(), waiting, idle);
    }

    private String detail(LinkState l, LinkHealth.Observation o, LinkHealth.Verdict v) {
        if (v.fault() == null) {
            return "replicating";
        }
        return switch (v.fault()) {
            case SOURCE_UNREACHABLE -> l.ioErrno() != 0 ? "cannot reach the source (" + l.ioErrno() + ": "
                    + l.lastError() + ")" : "cannot reach the source; retrying every 2 s";
            case LINK_STOPPED -> "stopped by an administrator (STOP SLAVE)";
            case LAGGING -> l.secondsBehind() + " s behind (threshold " + limits.lagSeconds() + " s)";
            case STUCK_APPLIER -> "the applier has applied nothing for " + o.idleSeconds() + " s while "
                    + GtidPos.parse(l.appliedPos()).behind(GtidPos.parse(l.gtidIoPos()))
                    + " received transaction(s) wait (threshold " + limits.stuckSeconds() + " s)";
            default -> "error " + l.lastErrno() + ": " + l.lastError();
        };
    }

    /** Remembers the error a link shows before the reconciler restarts it (see {@link Monitor#beforeMend}). */
    void beforeMend(LinkState l) {
        LinkHealth.Observation o = observe(l, Instant.now());
        LinkHealth.Verdict v = LinkHealth.classify(o, limits);
        if (v.fault() != null && v.fault().fromError()) {
            memory.put(l.channel(), LinkHealth.settle(memory.getOrDefault(l.channel(), LinkHealth.Memory.NONE), v,
                    false).memory());
            rememberedDetail.put(l.channel(), detail(l, o, v));
        }
    }

    /**
     * The links as they are at {@code now}, by channel; {@code before}: as they were at the last
     * look (a link keeps its "since" while its state and fault stay). {@code holds}: sources
     * whose link is held because they run another Cusp version (no channel; VERSION_MISMATCH).
     */
    Map<String, Link> look(List<LinkState> states, Map<String, String> holds, Map<String, Link> before, Instant now) {
        Map<String, Link> seen = new LinkedHashMap<>();
        for (LinkState l : states) {
            LinkHealth.Observation o = observe(l, now);
            LinkHealth.Verdict v = LinkHealth.classify(o, limits);
            LinkHealth.Settled s = LinkHealth.settle(memory.getOrDefault(l.channel(), LinkHealth.Memory.NONE), v,
                    MariaDbErrors.network(l.ioErrno()));
            String detail;
            if (s.shown() == v) {
                detail = detail(l, o, v);
                if (v.fault() != null && v.fault().fromError()) {
                    rememberedDetail.put(l.channel(), detail);
                }
            } else {
                detail = rememberedDetail.getOrDefault(l.channel(), "error") + " (the link was restarted and has"
                        + " not run cleanly since)";
            }
            if (s.memory().fault() == null) {
                memory.remove(l.channel());
                rememberedDetail.remove(l.channel());
            } else {
                memory.put(l.channel(), s.memory());
            }
            Health h = s.shown().health();
            Fault f = s.shown().fault();
            Link was = before.get(l.channel());
            Instant since = was != null && was.health() == h && was.fault() == f ? was.since() : now;
            seen.put(l.channel(), new Link(l.channel(), h, since, detail, f));
        }
        for (var hold : holds.entrySet()) {
            if (!seen.containsKey(hold.getKey())) {
                Link was = before.get(hold.getKey());
                Instant since = was != null && was.fault() == Fault.VERSION_MISMATCH ? was.since() : now;
                seen.put(hold.getKey(), new Link(hold.getKey(), Fault.VERSION_MISMATCH.health(), since, hold.getValue(),
                        Fault.VERSION_MISMATCH));
            }
        }
        progress.keySet().retainAll(seen.keySet());
        memory.keySet().retainAll(seen.keySet());
        rememberedDetail.keySet().retainAll(seen.keySet());
        return seen;
    }
}
