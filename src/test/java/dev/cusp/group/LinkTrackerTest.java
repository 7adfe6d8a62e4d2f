package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.group.Monitor.Health;
import dev.cusp.group.Monitor.Link;
import dev.cusp.replication.LinkState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the monitor keeps between looks at a link: the applier's progress (stuck when it stops
 * moving while changes wait), the error a restart hides, and since when a state holds.
 */
class LinkTrackerTest {
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    static LinkState link(String io, boolean sql, int ioErr, int sqlErr, String received, String applied) {
        return new LinkState("b", "b", 3306, "Yes".equals(io), sql, ioErr != 0 ? ioErr : sqlErr,
                ioErr != 0 || sqlErr != 0 ? "boom" : "", 0L, received, applied, io, ioErr, sqlErr, applied);
    }

    @Test
    void anApplierThatStopsMovingWhileChangesWaitIsStuck_afterTheThreshold() {
        LinkTracker t = new LinkTracker(new LinkHealth.Limits(30, 8));
        LinkState waiting = link("Yes", true, 0, 0, "1-2-10", "1-2-4");
        Map<String, Link> first = t.look(List.of(waiting), Map.of(), Map.of(), T0);
        assertThat(first.get("b").health()).isEqualTo(Health.HEALTHY);
        Map<String, Link> later = t.look(List.of(waiting), Map.of(), first, T0.plusSeconds(9));
        assertThat(later.get("b").fault()).isEqualTo(Fault.STUCK_APPLIER);
        assertThat(later.get("b").detail()).contains("9 s").contains("6 received transaction(s)");
        assertThat(later.get("b").since()).isEqualTo(T0.plusSeconds(9));
        Map<String, Link> moved = t.look(List.of(link("Yes", true, 0, 0, "1-2-10", "1-2-5")), Map.of(), later,
                T0.plusSeconds(10));
        assertThat(moved.get("b").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void anErrorSeenBeforeAMendStaysShownUntilTheLinkRunsCleanly() {
        LinkTracker t = new LinkTracker(new LinkHealth.Limits(30, 8));
        t.beforeMend(link("No", true, 1236, 0, "", ""));
        Map<String, Link> after = t.look(List.of(link("Preparing", true, 0, 0, "", "")), Map.of(), Map.of(), T0);
        assertThat(after.get("b").fault()).isEqualTo(Fault.PURGED_BINLOG);
        assertThat(after.get("b").detail()).startsWith("error 1236: boom").endsWith("(the link was restarted and has"
                + " not run cleanly since)");
        Map<String, Link> clean = Map.of();
        for (int i = 1; i <= LinkHealth.CLEAN_LOOKS; i++) {
            clean = t.look(List.of(link("Yes", true, 0, 0, "", "")), Map.of(), after, T0.plusSeconds(i));
        }
        assertThat(clean.get("b").health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aStateKeepsItsSinceAndAHeldSourceIsShownAsAVersionMismatch() {
        LinkTracker t = new LinkTracker(new LinkHealth.Limits(30, 8));
        LinkState broken = link("Yes", false, 0, 1062, "", "");
        Map<String, Link> first = t.look(List.of(broken), Map.of("c", "c runs 2.0"), Map.of(), T0);
        Map<String, Link> second = t.look(List.of(broken), Map.of("c", "c runs 2.0"), first, T0.plusSeconds(5));
        assertThat(second.get("b").since()).isEqualTo(T0);
        assertThat(second.get("b").fault()).isEqualTo(Fault.ROW_CONFLICT);
        assertThat(second.get("c").fault()).isEqualTo(Fault.VERSION_MISMATCH);
        assertThat(second.get("c").detail()).isEqualTo("c runs 2.0");
        assertThat(second.get("c").since()).isEqualTo(T0);
    }
}
