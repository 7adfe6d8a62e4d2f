package dev.cusp.group;

import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationErrors;
import dev.cusp.replication.ReplicationErrors.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 */
final class LinkMends {
    static final Duration BACKOFF = Duration.ofSeconds(30);
    private final Map<String, Long> lastMend = new ConcurrentHashMap<>();

    /** True when the link has an error a re-made link mends and it was not re-made in the last {@link #BACKOFF}. */
    boolean due(LinkState l) {
        if (!mendable(l)) {
            return false;
        }
        long now = System.nanoTime();
        Long last = lastMend.get(l.channel());
        if (last != null && now - last < BACKOFF.toNanos()) {
            return false;
        }
        lastMend.put(l.channel(), now);
        return true;
    }

    static boolean mendable(LinkState l) {
        Kind io = ReplicationErrors.kind(l.ioErrno());
        Kind sql = ReplicationErrors.kind(l.sqlErrno());
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
