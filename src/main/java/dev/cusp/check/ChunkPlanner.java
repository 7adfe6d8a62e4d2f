package dev.cusp.check;

/**
 * Sizes a check's chunks as key ranges, so that finding a chunk's end costs no query: a range
 * of {@code rows / density} keys, where the rows are what this site computes within the time
 * target (learned from the chunks before, across tables) and the density is the table's rows
 * per key (from its statistics, then from each chunk's count). Finding the end by counting rows
 * ({@code LIMIT 1 OFFSET n}, as pt-table-checksum does) reads every row a second time: a
 * quarter of the work here. A range whose estimated rows (the optimizer's index dives) are far
 * above the plan is halved before it runs, so keys denser than the statistics said cannot make
 * one chunk run far over the target.
 */
final class ChunkPlanner {
    /**
     * pt-table-checksum's default chunk time. Each chunk has a fixed cost (positions, a peer
     * call, an estimate) that weighs half as much as at 0.25 s.
     */
    static final long TARGET_NANOS = 500_000_000L;
    static final long FIRST_CHUNK = 1_000;
    static final long MIN_CHUNK = 100;
    /** Also bounds the drill-down of a differing chunk: at most 200 sub-ranges of 1,000 rows. */
    static final long MAX_CHUNK = 200_000;
    /** A range whose estimate exceeds the planned rows by more than this is halved. */
    static final long ESTIMATE_SLACK = 4;

    private double rowsPerNano;
    private long lastRows;

    /** The rows a chunk should hold. The first chunk of a table takes half the learned rate: rows may be wider. */
    long rowsWanted(boolean firstOfTable) {
        if (rowsPerNano <= 0) {
            return FIRST_CHUNK;
        }
        double n = rowsPerNano * TARGET_NANOS * (firstOfTable ? 0.5 : 1);
        if (!firstOfTable) {
            n = Math.min(n, 4.0 * Math.max(lastRows, FIRST_CHUNK)); // grow at most fourfold from a chunk
        }
        return (long) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, n));
    }

    /** Learns the rate from a chunk this site computed: {@code rows} in {@code nanos}. */
    void observe(long rows, long nanos) {
        lastRows = rows;
        if (rows >= MIN_CHUNK && nanos > 0) {
            rowsPerNano = (double) rows / nanos;
        } else if (rowsPerNano > 0 && nanos > TARGET_NANOS) {
            rowsPerNano /= 2; // few rows yet slow: the rows are wide or the machine is busy
        }
    }

    /** How many keys from {@code from} a chunk of {@code rows} rows spans at {@code density} rows per key. */
    static long width(long rows, double density) {
        if (density <= 0 || Double.isNaN(density)) {
            return Long.MAX_VALUE;
        }
        double w = Math.ceil(rows / Math.min(1.0, density));
        return w >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) w);
    }

    /** The last key of a range of {@code width} keys from {@code from}, or MAX_VALUE past {@code max}. */
    static long end(long from, long width, long max) {
        if (width == Long.MAX_VALUE || from > Long.MAX_VALUE - width + 1) {
            return Long.MAX_VALUE;
        }
        long hi = from + width - 1;
        return hi >= max ? Long.MAX_VALUE : hi;
    }
}
