package dev.cusp.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which binary log files a site may delete: the ones older than the retention that no member
 * still needs, and, only when the logs outgrow the disk budget, the oldest ones even if a
 * member needs them (that member must then be re-seeded). Pure, so the rule is tested without
 * a node.
 *
 * <p>A member asks for the source's binary log from its own GTID position (without its own
 * domain, which it ignores). MariaDB serves it from the newest file whose start position (the
 * file's Gtid_list event) the member's position covers, so a file is needed by a member until
 * the member's position covers the start of the file after it.
 */
public final class BinlogPlan {
    private BinlogPlan() {
    }

    /** One binary log file: name, size, the GTID state at its start, and when it was last written. */
    public record File(String name, long bytes, GtidPos start, Instant lastWritten) {
    }

    /** What a member holds (its {@code gtid_current_pos}) and its own domain, which it never asks for. */
    public record Member(GtidPos holds, long ownDomain) {
    }

    /**
     * The decision.
     *
     * @param purgeTo       {@code PURGE BINARY LOGS TO} this file (it is kept), or null for nothing
     * @param retainedFor   members for whom expired files are kept, with the bytes kept for them
     * @param lostBy        members that need a file the budget forces out: they will need a re-seed
     * @param retainedBytes bytes of expired files kept because a member needs them
     * @param keptBytes     bytes of every file kept, the newest included
     */
    public record Decision(String purgeTo, Map<String, Long> retainedFor, List<String> lostBy, long retainedBytes,
                           long keptBytes) {
    }

    /**
     * Decides what to delete. The newest file (being written) is never deleted.
     *
     * @param files   the binary log files, oldest first
     * @param members every member that replicates from this site, by name
     * @param retain  how long a file is kept after its last write when no member needs it
     * @param budget  the most bytes the binary logs may take; beyond it the oldest go, needed or not
     */
    public static Decision decide(List<File> files, Map<String, Member> members, Instant now, Duration retain,
                                  long budget) {
        int n = files.size();
        if (n < 2) {
            return new Decision(null, Map.of(), List.of(), 0, files.stream().mapToLong(File::bytes).sum());
        }
        // First file each member needs (n - 1 if it needs none but the newest).
        Map<String, Integer> firstNeeded = new TreeMap<>();
        for (var m : members.entrySet()) {
            int first = n - 1;
            for (int i = n - 2; i >= 0; i--) {
                if (!covers(m.getValue(), files.get(i + 1).start())) {
                    first = i;
                } else {
                    break;
                }
            }
            firstNeeded.put(m.getKey(), first);
        }
        int expired = 0;
        while (expired < n - 1 && files.get(expired).lastWritten().plus(retain).isBefore(now)) {
            expired++;
        }
        int keepFrom = expired;
        Map<String, Long> retainedFor = new TreeMap<>();
        long retainedBytes = 0;
        for (var e : firstNeeded.entrySet()) {
            if (e.getValue() < expired) {
                long b = 0;
                for (int i = e.getValue(); i < expired; i++) {
                    b += files.get(i).bytes();
                }
                retainedFor.put(e.getKey(), b);
                keepFrom = Math.min(keepFrom, e.getValue());
            }
        }
        for (int i = keepFrom; i < expired; i++) {
            retainedBytes += files.get(i).bytes();
        }
        long total = 0;
        for (int i = keepFrom; i < n; i++) {
            total += files.get(i).bytes();
        }
        while (total > budget && keepFrom < n - 1) {
            total -= files.get(keepFrom).bytes();
            keepFrom++;
        }
        List<String> lost = new ArrayList<>();
        for (var e : firstNeeded.entrySet()) {
            if (e.getValue() < keepFrom) {
                lost.add(e.getKey());
            }
        }
        return new Decision(keepFrom == 0 ? null : files.get(keepFrom).name(), retainedFor, lost, retainedBytes,
                total);
    }

    /** True when the member's position, its own domain left out, covers {@code start} (also without it). */
    static boolean covers(Member m, GtidPos start) {
        Map<Long, Long> want = new TreeMap<>(start.seqByDomain());
        want.remove(m.ownDomain());
        return m.holds().covers(new GtidPos(want, start.serverByDomain()));
    }
}
