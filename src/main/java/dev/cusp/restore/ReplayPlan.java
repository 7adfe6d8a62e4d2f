package dev.cusp.restore;

import dev.cusp.replication.GtidPos;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a replay starts and stops in the archived binary logs: from the first transaction the
 * backup does not hold (its GTID position is a prefix of the binary log, so every later
 * transaction is after it) to the first transaction whose time is after the target moment.
 * Whole seconds, as the binary log records them: a restore to 14:01:00 replays every
 * transaction that began at 14:01:00 or before, and none that began at 14:01:01 or later.
 *
 * @param files      the archived files to replay, in order (the first holds the start)
 * @param startOffset the offset of the first transaction to replay in {@code files[0]}
 * @param stopOffset the offset of the first transaction NOT to replay in the last file, or -1 to
 *                   replay to the end of the last file
 * @param txns       transactions in the replayed range (every practice's: the filter is MariaDB's)
 * @param lastTime   the time of the last replayed transaction (epoch seconds), or -1 for none
 */
public record ReplayPlan(List<BinlogEvents.Index> files, long startOffset, long stopOffset, long txns,
                         long lastTime) {

    /** Nothing to replay: the backup is already the state at the target moment. */
    public boolean empty() {
        return txns == 0;
    }

    /**
     * Plans the replay from {@code basePos} to {@code toEpochSecond}.
     *
     * @return the plan, or null when the archive does not reach back to {@code basePos}
     */
    public static ReplayPlan of(List<BinlogEvents.Index> archive, String basePos, long toEpochSecond) {
        GtidPos base = GtidPos.parse(basePos);
        int first = -1;
        for (int i = 0; i < archive.size(); i++) {
            if (base.covers(GtidPos.parse(archive.get(i).startPos()))) {
                first = i;
            }
        }
        if (first < 0) {
            return null;
        }
        List<BinlogEvents.Index> files = new ArrayList<>();
        long start = -1;
        long stop = -1;
        long txns = 0;
        long last = -1;
        outer:
        for (int i = first; i < archive.size(); i++) {
            BinlogEvents.Index f = archive.get(i);
            if (start >= 0) {
                files.add(f);
            }
            for (BinlogEvents.Txn t : f.txns()) {
                if (start < 0) {
                    if (t.seq() <= base.seq(t.domain())) {
                        continue;
                    }
                    start = t.offset();
                    files.add(f);
                }
                if (t.epochSecond() > toEpochSecond) {
                    stop = t.offset();
                    break outer;
                }
                txns++;
                last = t.epochSecond();
            }
        }
        if (start < 0 || txns == 0) {
            return new ReplayPlan(List.of(), 0, -1, 0, -1);
        }
        return new ReplayPlan(List.copyOf(files), start, stop, txns, last);
    }
}
