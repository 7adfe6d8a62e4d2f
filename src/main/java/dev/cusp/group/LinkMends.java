package dev.cusp.group;

import dev.cusp.replication.LinkState;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.node.MariaDbErrors.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which broken links the reconciler re-makes from scratch, and how often. Re-making a link asks
 * the source for a new replication account, drops the relay log and fetches again from the
 * position this node has applied, so it mends:
 * <ul>
 *   <li>a refused account (1045, 1227...: its password changed or it was dropped at the source);</li>
 *   <li>a corrupt relay log (1594, 1595);</li>
 *   <li>1236 right after the source was re-seeded (its binary log starts again at the seed).</li>
 * </ul>
 * A real purge (1236 again and again) cannot be mended this way; the link is then tried again
 * only every {@link #BACKOFF}, not every cycle, and the monitor keeps showing PURGED_BINLOG.
 * A re-made link still refused, or with a corrupt relay log again, is re-made at the next
 * cycle, then after 4, 8, 16 s and so on up to {@link #BACKOFF}: the README promises a
 * refused account is mended within seconds. A link that ran cleanly after a re-make
 * ({@link LinkHealth#CLEAN_LOOKS} looks in a row) was mended: its next error is a new fault and
 * is re-made at once, not held back by the old one's back-off.
 */
final class LinkMends {
    static final Duration BACKOFF = Duration.ofSeconds(30);
    /** The first retry of a refused account or a corrupt relay log: the next reconcile cycle (every 2 s). */
    static final Duration QUICK = Duration.ofSeconds(2);

    /** The last re-make of a channel, how many in a row did not mend it, and the clean looks since. */
    private record Mend(long at, int times, int cleanLooks) {
    }

    private final Map<String, Mend> mended = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    LinkMends() {
        this(System::nanoTime);
    }

    LinkMends(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * True when the link has an error a re-made link mends and its back-off has passed; the
     * caller then re-makes it. Called on every reconcile cycle for every link, so it also sees
     * the links that run cleanly.
     */
    boolean due(LinkState l) {
        Mend last = mended.get(l.channel());
        if (!mendable(l)) {
            if (last != null) {
                int clean = runsCleanly(l) ? last.cleanLooks() + 1 : 0;
                if (clean >= LinkHealth.CLEAN_LOOKS) {
                    mended.remove(l.channel());
                } else {
                    mended.put(l.channel(), new Mend(last.at(), last.times(), clean));
                }
            }
            return false;
        }
        long now = nanos.getAsLong();
        if (last != null && now - last.at() < backoff(l, last.times()).toNanos()) {
            return false;
        }
        mended.put(l.channel(), new Mend(now, last == null ? 1 : last.times() + 1, 0));
        return true;
    }

    /** How long after {@code times} re-makes that did not mend it the link may be re-made again. */
    static Duration backoff(LinkState l, int times) {
        if (MariaDbErrors.kind(l.ioErrno()) == Kind.PURGED_BINLOG) {
            return BACKOFF;
        }
        Duration d = QUICK.multipliedBy(1L << Math.min(times - 1, 4));
        return d.compareTo(BACKOFF) < 0 ? d : BACKOFF;
    }

    /** Receiving and applying, with no error: what a mended link does. */
    static boolean runsCleanly(LinkState l) {
        return "Yes".equals(l.receiverState()) && l.applierRunning() && l.ioErrno() == 0 && l.sqlErrno() == 0;
    }

    static boolean mendable(LinkState l) {
        Kind io = MariaDbErrors.kind(l.ioErrno());
        Kind sql = MariaDbErrors.kind(l.sqlErrno());
        if (sql == Kind.RELAY_LOG && !l.applierRunning()) {
            return true;
        }
        if (l.sqlErrno() != 0) {
            // An applier error is mended by others (the conflict resolver) or by a re-seed.
            return false;
        }
        return io == Kind.AUTH || io == Kind.RELAY_LOG || io == Kind.PURGED_BINLOG && !l.receiverRunning();
    }
}
