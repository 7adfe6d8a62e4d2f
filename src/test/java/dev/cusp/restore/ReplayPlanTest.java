package dev.cusp.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a replay starts and stops, over files holding two domains' transactions. */
class ReplayPlanTest {
    // File 1 starts empty; file 2 starts at 1-1-3,2-2-1.
    static final BinlogEvents.Index F1 = new BinlogEvents.Index("binlog.000001", Map.of(), List.of(
            new BinlogEvents.Txn(100, 1, 1, 1, 1000), new BinlogEvents.Txn(200, 1, 1, 2, 1001),
            new BinlogEvents.Txn(300, 2, 2, 1, 1001), new BinlogEvents.Txn(400, 1, 1, 3, 1002)), 500);
    static final BinlogEvents.Index F2 = new BinlogEvents.Index("binlog.000002", Map.of(1L, "1-1-3", 2L, "2-2-1"),
            List.of(new BinlogEvents.Txn(100, 2, 2, 2, 1003), new BinlogEvents.Txn(200, 1, 1, 4, 1005)), 300);

    @Test
    void startsAfterTheBackupsPositionAndStopsBeforeTheFirstTransactionAfterTheMoment() {
        ReplayPlan p = ReplayPlan.of(List.of(F1, F2), "1-1-2", 1003);
        // 2-2-1 is not in the backup (its domain is not named): replayed from offset 300.
        assertThat(p.files()).containsExactly(F1, F2);
        assertThat(p.startOffset()).isEqualTo(300);
        assertThat(p.stopOffset()).isEqualTo(200);
        assertThat(p.txns()).isEqualTo(3);
        assertThat(p.lastTime()).isEqualTo(1003);
    }

    @Test
    void aMomentAfterEveryTransactionReplaysToTheEnd() {
        ReplayPlan p = ReplayPlan.of(List.of(F1, F2), "1-1-3,2-2-1", 2000);
        assertThat(p.files()).containsExactly(F2);
        assertThat(p.startOffset()).isEqualTo(100);
        assertThat(p.stopOffset()).isEqualTo(-1);
        assertThat(p.txns()).isEqualTo(2);
    }

    @Test
    void aMomentBeforeTheFirstTransactionAfterTheBackupReplaysNothing() {
        ReplayPlan p = ReplayPlan.of(List.of(F1, F2), "1-1-3,2-2-1", 1004);
        assertThat(p.files()).containsExactly(F2);
        assertThat(p.txns()).isEqualTo(1);
        assertThat(ReplayPlan.of(List.of(F1, F2), "1-1-3,2-2-1", 1000).empty()).isTrue();
    }

    @Test
    void anArchiveThatStartsAfterTheBackupCannotReplayIt() {
        assertThat(ReplayPlan.of(List.of(F2), "1-1-2", 2000)).isNull();
    }
}
