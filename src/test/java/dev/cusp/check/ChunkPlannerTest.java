package dev.cusp.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

    @Test
    void startsSmallThenSizesChunksToTheTimeTargetGrowingAtMostFourfold() {
        ChunkPlanner p = new ChunkPlanner();
        assertThat(p.rowsWanted(true)).isEqualTo(ChunkPlanner.FIRST_CHUNK);
        // 1,000 rows in 1 ms: the target (500 ms) would hold 500,000, but a chunk grows at most fourfold.
        p.observe(1_000, 1_000_000);
        assertThat(p.rowsWanted(false)).isEqualTo(4_000);
        p.observe(4_000, 8_000_000);
        p.observe(16_000, 32_000_000);
        p.observe(64_000, 256_000_000); // 0.25 rows/us: 125,000 in 500 ms
        assertThat(p.rowsWanted(false)).isEqualTo(125_000);
        // A new table starts at half the learned rate: its rows may be wider.
        assertThat(p.rowsWanted(true)).isEqualTo(62_500);
    }

    @Test
    void slowChunksShrinkTheNextAndTheSizeStaysWithinBounds() {
        ChunkPlanner p = new ChunkPlanner();
        p.observe(10_000, 1_000_000_000L); // 10,000 rows took 1 s: 5,000 fit the target
        assertThat(p.rowsWanted(false)).isEqualTo(5_000);
        p.observe(10, 2_000_000_000L); // too few rows to measure, but slow: halve the rate
        assertThat(p.rowsWanted(false)).isEqualTo(2_500);
        p.observe(100, 1_000_000_000_000L);
        assertThat(p.rowsWanted(false)).isEqualTo(ChunkPlanner.MIN_CHUNK);
        p.observe(10_000_000, 1);
        assertThat(p.rowsWanted(true)).isEqualTo(ChunkPlanner.MAX_CHUNK);
    }

    @Test
    void aRangeSpansRowsOverDensityKeysAndEndsOpenPastTheHighestKey() {
        // Keys spaced by 5 (auto_increment_increment 5): 1,000 rows span 5,000 keys.
        assertThat(ChunkPlanner.width(1_000, 0.2)).isEqualTo(5_000);
        assertThat(ChunkPlanner.end(1, 5_000, 1_000_000)).isEqualTo(5_000);
        assertThat(ChunkPlanner.end(999_000, 5_000, 1_000_000)).isEqualTo(Long.MAX_VALUE);
        // A density above one key per row (a bad estimate) cannot make a range narrower than its rows.
        assertThat(ChunkPlanner.width(1_000, 3)).isEqualTo(1_000);
        // No rows known: the rest of the table in one range; no overflow near the top of the key space.
        assertThat(ChunkPlanner.width(1_000, 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(ChunkPlanner.end(Long.MIN_VALUE, Long.MAX_VALUE, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(ChunkPlanner.end(Long.MAX_VALUE - 10, 100, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(ChunkPlanner.width(1, 1e-30)).isEqualTo(Long.MAX_VALUE);
    }
}
