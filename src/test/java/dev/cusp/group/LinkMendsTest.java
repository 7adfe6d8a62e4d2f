package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.replication.LinkState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * How often the reconciler re-makes a broken link. A refused account must be mended within
 * seconds every time (README, REPLICATION_AUTH), also when it was mended a moment before; a
 * real purge (1236 again and again) is retried only every 30 s.
 */
class LinkMendsTest {
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final LinkMends mends = new LinkMends(clock::get);

    static LinkState link(String receiver, int ioErrno) {
        return new LinkState("a", "localhost", 3306, !"No".equals(receiver), true, ioErrno, ioErrno == 0 ? null
                : "error " + ioErrno, "Yes".equals(receiver) ? 0L : null, "", "", receiver, ioErrno, 0, "");
    }

    static final LinkState REFUSED = link("Connecting", 1045);
    static final LinkState CLEAN = link("Yes", 0);
    static final LinkState PURGED = link("No", 1236);

    void after(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    /**
     * The CI failure of ReplicationAuthIT: the password changed and was mended; 2 s later the
     * account was dropped and the re-make waited for the first one's 30 s back-off.
     */
    @Test
    void aNewRefusalAfterTheLinkRanCleanlyIsMendedAtOnce() {
        assertThat(mends.due(REFUSED)).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(CLEAN)).isFalse();
        after(Duration.ofMillis(500));
        assertThat(mends.due(CLEAN)).isFalse();
        after(Duration.ofMillis(100));
        assertThat(mends.due(REFUSED)).as("a new fault, 2.6 s after the last re-make").isTrue();
    }

    @Test
    void aRemadeLinkStillRefusedIsRemadeAtTheNextCycleThenLessOften() {
        assertThat(mends.due(REFUSED)).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(REFUSED)).as("the next cycle").isTrue();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(REFUSED)).as("2 s after the second").isFalse();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(REFUSED)).as("4 s after the second").isTrue();
        for (int i = 0; i < 10; i++) {
            after(Duration.ofSeconds(30));
            assertThat(mends.due(REFUSED)).isTrue();
        }
        after(Duration.ofSeconds(29));
        assertThat(mends.due(REFUSED)).as("never less often than every 30 s, never more often then").isFalse();
    }

    @Test
    void aRefusalOnlyFlickeringCleanKeepsItsBackOff() {
        assertThat(mends.due(REFUSED)).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(REFUSED)).isTrue();
        after(Duration.ofSeconds(1));
        assertThat(mends.due(CLEAN)).isFalse();
        after(Duration.ofSeconds(1));
        assertThat(mends.due(REFUSED)).as("one clean look is not a mended link").isFalse();
    }

    @Test
    void aRealPurgeIsRetriedOnlyEvery30Seconds() {
        assertThat(mends.due(PURGED)).isTrue();
        after(Duration.ofSeconds(2));
        assertThat(mends.due(PURGED)).isFalse();
        after(Duration.ofSeconds(27));
        assertThat(mends.due(PURGED)).isFalse();
        after(Duration.ofSeconds(1));
        assertThat(mends.due(PURGED)).isTrue();
    }

    @Test
    void aPurgeAfterTheLinkRanCleanlyIsANewOneMendedAtOnce() {
        // The source re-seeded twice: each time its binary log starts again, each time a re-make mends it.
        assertThat(mends.due(PURGED)).isTrue();
        for (int i = 0; i < 2; i++) {
            after(Duration.ofSeconds(2));
            assertThat(mends.due(CLEAN)).isFalse();
        }
        after(Duration.ofSeconds(2));
        assertThat(mends.due(PURGED)).isTrue();
    }

    @Test
    void healthyOrNetworkBrokenLinksAreNeverRemade() {
        assertThat(mends.due(CLEAN)).isFalse();
        assertThat(mends.due(link("Connecting", 2003))).isFalse();
        assertThat(mends.due(link("No", 2013))).isFalse();
    }
}
