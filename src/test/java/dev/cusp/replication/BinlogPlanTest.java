package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.replication.BinlogPlan.Decision;
import dev.cusp.replication.BinlogPlan.File;
import dev.cusp.replication.BinlogPlan.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The binary log purge guard's rule: expired files go unless a member still needs them; the
 * disk budget wins over a member, and names it.
 */
class BinlogPlanTest {
    static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    static final Duration DAY = Duration.ofDays(1);

    /** Five files of 100 bytes at site a (domain 1): file i starts at 1-1-(i*10), written i days ago... */
    static List<File> files() {
        return List.of(
                new File("binlog.000001", 100, GtidPos.parse("1-1-0,2-2-5"), NOW.minus(Duration.ofDays(30))),
                new File("binlog.000002", 100, GtidPos.parse("1-1-10,2-2-5"), NOW.minus(Duration.ofDays(20))),
                new File("binlog.000003", 100, GtidPos.parse("1-1-20,2-2-5"), NOW.minus(Duration.ofDays(16))),
                new File("binlog.000004", 100, GtidPos.parse("1-1-30,2-2-6"), NOW.minus(Duration.ofDays(2))),
                new File("binlog.000005", 100, GtidPos.parse("1-1-40,2-2-6"), NOW));
    }

    static Member member(String holds, long domain) {
        return new Member(GtidPos.parse(holds), domain);
    }

    @Test
    void expiredFilesNoMemberNeedsArePurged() {
        Decision d = BinlogPlan.decide(files(), Map.of("b", member("1-1-40,2-2-6", 2)), NOW, Duration.ofDays(14),
                10_000);
        assertThat(d.purgeTo()).isEqualTo("binlog.000004");
        assertThat(d.retainedFor()).isEmpty();
        assertThat(d.lostBy()).isEmpty();
        assertThat(d.keptBytes()).isEqualTo(200);
    }

    @Test
    void aMemberAwayKeepsWhatItHasNotApplied() {
        // b (domain 2) stopped at 1-1-12: it needs file 2 (starts at 10, ends before 20) onwards.
        Decision d = BinlogPlan.decide(files(), Map.of("b", member("1-1-12,2-2-6", 2), "c", member("1-1-40,2-2-6", 3)),
                NOW, Duration.ofDays(14), 10_000);
        assertThat(d.purgeTo()).isEqualTo("binlog.000002");
        assertThat(d.retainedFor()).isEqualTo(Map.of("b", 200L));
        assertThat(d.retainedBytes()).isEqualTo(200);
        assertThat(d.lostBy()).isEmpty();
    }

    @Test
    void aMembersOwnDomainIsNotAskedFor() {
        // b is domain 2 and behind in its own domain as a's files see it: that never holds a file back.
        Decision d = BinlogPlan.decide(files(), Map.of("b", member("1-1-40", 2)), NOW, Duration.ofDays(14), 10_000);
        assertThat(d.purgeTo()).isEqualTo("binlog.000004");
    }

    @Test
    void aMemberThatNeedsEverythingKeepsEverything() {
        Decision d = BinlogPlan.decide(files(), Map.of("b", member("", 2)), NOW, Duration.ofDays(14), 10_000);
        assertThat(d.purgeTo()).isNull();
        assertThat(d.retainedFor()).isEqualTo(Map.of("b", 300L));
    }

    @Test
    void theBudgetWinsAndNamesWhoLoses() {
        Decision d = BinlogPlan.decide(files(), Map.of("b", member("1-1-12,2-2-6", 2)), NOW, Duration.ofDays(14), 250);
        assertThat(d.purgeTo()).isEqualTo("binlog.000004");
        assertThat(d.lostBy()).containsExactly("b");
        assertThat(d.keptBytes()).isEqualTo(200);
    }

    @Test
    void nothingExpiredNothingPurgedAndTheNewestIsNeverPurged() {
        assertThat(BinlogPlan.decide(files(), Map.of(), NOW, Duration.ofDays(60), 10_000).purgeTo()).isNull();
        Decision d = BinlogPlan.decide(files(), Map.of(), NOW.plus(Duration.ofDays(90)), Duration.ZERO, 0);
        assertThat(d.purgeTo()).isEqualTo("binlog.000005");
        assertThat(BinlogPlan.decide(files().subList(0, 1), Map.of(), NOW, Duration.ZERO, 0).purgeTo()).isNull();
    }
}
