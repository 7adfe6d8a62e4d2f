package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GTID positions as MariaDB prints them, compared per domain by sequence number. */
class GtidPosTest {
    @Test
    void parsesOneEntryPerDomainKeepingTheHighestSequence() {
        GtidPos p = GtidPos.parse(" 1-10-5, 2-20-7 ,1-11-3,");
        assertThat(p.seq(1)).isEqualTo(5);
        assertThat(p.seq(2)).isEqualTo(7);
        assertThat(p.seq(3)).isZero();
        assertThat(p.toString()).isEqualTo("1-10-5,2-20-7");
    }

    @Test
    void emptyAndNullAreThePositionBeforeAnyTransaction() {
        assertThat(GtidPos.parse("").seqByDomain()).isEmpty();
        assertThat(GtidPos.parse(null).toString()).isEmpty();
        assertThat(GtidPos.parse(null).covers(GtidPos.parse(""))).isTrue();
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> GtidPos.parse("1-2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidPos.parse("a-b-c")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void coversComparesOnlyTheDomainsTheOtherNames() {
        GtidPos here = GtidPos.parse("1-1-10,2-2-4");
        assertThat(here.covers(GtidPos.parse("1-1-10"))).isTrue();
        assertThat(here.covers(GtidPos.parse("1-9-9,2-2-4"))).isTrue();
        assertThat(here.covers(GtidPos.parse("2-2-5"))).isFalse();
        assertThat(here.covers(GtidPos.parse("3-3-1"))).as("a domain this position never saw").isFalse();
    }

    @Test
    void behindCountsTheMissingTransactionsOverAllDomains() {
        GtidPos here = GtidPos.parse("1-1-10,2-2-4");
        assertThat(here.behind(GtidPos.parse("1-1-12,2-2-4,3-3-5"))).isEqualTo(2 + 0 + 5);
        assertThat(here.behind(GtidPos.parse("1-1-3"))).as("ahead is not negative").isZero();
        assertThat(here.total()).isEqualTo(14);
    }
}
