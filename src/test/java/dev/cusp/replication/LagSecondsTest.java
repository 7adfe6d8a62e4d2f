package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How far behind a link is, as the monitor sees it (positions copied from a real two-site run). */
class LagSecondsTest {
    private static final String RECEIVED = "1050353647-2108175057-84,103127428-1546536595-2";

    @Test
    void aLinkThatHoldsEverythingItReceivedIsNotBehindWhateverMariaDbSays() {
        // Parallel appliers after an idle minute: Seconds_Behind_Master 61 with nothing to apply.
        assertThat(ReplicationChannels.lagSeconds(61L, RECEIVED,
                "103127428-1546536595-2,1050353647-2108175057-84")).isZero();
        assertThat(ReplicationChannels.lagSeconds(61L, RECEIVED,
                "103127428-1546536595-9,1050353647-2108175057-90")).isZero();
    }

    @Test
    void aLinkWithTransactionsToApplyKeepsMariaDbsFigure() {
        assertThat(ReplicationChannels.lagSeconds(61L, RECEIVED,
                "103127428-1546536595-2,1050353647-2108175057-83")).isEqualTo(61L);
        assertThat(ReplicationChannels.lagSeconds(null, RECEIVED, RECEIVED)).isNull();
        assertThat(ReplicationChannels.lagSeconds(0L, RECEIVED, "")).isZero();
    }
}
