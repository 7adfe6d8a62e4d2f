package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GTID positions as MariaDB writes them, compared per domain (until now only reached through the group ITs). */
class GtidPosTest {
    @Test
    void parsesOneEntryPerDomainKeepingTheHighestSequence() {
        GtidPos p = GtidPos.parse(" 2-20-7, 1-10-5 ,2-21-9,, 1-11-3");
        assertThat(p.seq(1)).isEqualTo(5);
        assertThat(p.seq(2)).isEqualTo(9);
        assertThat(p.serverByDomain()).containsEntry(1L, 10L).containsEntry(2L, 21L);
        assertThat(p.seq(3)).as("a domain it does not name").isZero();
        assertThat(p).hasToString("1-10-5,2-21-9");
        assertThat(GtidPos.parse(p.toString())).isEqualTo(p);
    }

    @Test
    void nothingIsAnEmptyPosition() {
        assertThat(GtidPos.parse(null).seqByDomain()).isEmpty();
        assertThat(GtidPos.parse("").total()).isZero();
        assertThat(GtidPos.parse("")).hasToString("");
    }

    @Test
    void aMalformedEntryIsRefused() {
        assertThatThrownBy(() -> GtidPos.parse("1-10")).hasMessageContaining("not a GTID: 1-10");
        assertThatThrownBy(() -> GtidPos.parse("1-10-5-6")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GtidPos.parse("a-b-c")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void coversAndBehindComparePerDomainOnlyTheDomainsAsked() {
        GtidPos here = GtidPos.parse("1-10-5,2-20-9");
        assertThat(here.covers(GtidPos.parse("1-10-5"))).isTrue();
        assertThat(here.covers(GtidPos.parse("1-99-4,2-20-9"))).as("the server id does not count").isTrue();
        assertThat(here.covers(GtidPos.parse("1-10-6"))).isFalse();
        assertThat(here.covers(GtidPos.parse("3-30-1"))).as("a domain it has never seen").isFalse();
        assertThat(here.covers(GtidPos.parse(""))).isTrue();
        assertThat(here.behind(GtidPos.parse("1-10-8,2-20-3,3-30-2"))).as("3 in domain 1, none in 2, 2 in 3")
                .isEqualTo(5);
        assertThat(here.behind(here)).isZero();
        assertThat(here.total()).isEqualTo(14);
    }
}
