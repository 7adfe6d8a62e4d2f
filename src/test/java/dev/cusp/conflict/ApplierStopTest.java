package dev.cusp.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.wire.Row;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The applier's errors as MariaDB 11.4 words them (copied from real runs), classified by vendor code. */
class ApplierStopTest {
    @Test
    void aTriggerConflictNamesTheRowAndTheBaseVersion() {
        String msg = "Could not execute Update_rows_v1 event on table od_smith_7.patient; cusp-conflict update patient"
                + " 42 2026-12-01 08:49:43.926791 206787453, Error_code: 1644; At line 1 in od_smith_7.patient_cusp_bu,"
                + " Error_code: 4094; handler error HA_ERR_GENERIC; the event's master log binlog.000001, end_log_pos 0";
        ApplierStop s = ApplierStop.of("b", 1644, msg, "1-2-3").orElseThrow();
        assertThat(s.kind()).isEqualTo("update");
        assertThat(s.db()).isEqualTo("od_smith_7");
        assertThat(s.table()).isEqualTo("patient");
        assertThat(s.rowId()).isEqualTo(42);
        assertThat(s.stampAt()).isEqualTo("2026-12-01 08:49:43.926791");
        assertThat(s.stampBy()).isEqualTo("206787453");
        assertThat(s.originServerId()).isEqualTo(2);
    }

    @Test
    void aRowWithoutVersionHasDashes() {
        String msg = "Could not execute Delete_rows_v1 event on table od_x_1.fee; cusp-conflict delete fee 7 - -,"
                + " Error_code: 1644;";
        ApplierStop s = ApplierStop.of("a", 1644, msg, "1-2-3").orElseThrow();
        assertThat(s.kind()).isEqualTo("delete");
        assertThat(s.stampAt()).isEqualTo("-");
    }

    @Test
    void duplicateAndMissingRowsAreRecognisedByVendorCode() {
        ApplierStop d = ApplierStop.of("a", 1062, "Could not execute Write_rows_v1 event on table od_x_1.patient;"
                + " Duplicate entry '900001' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY",
                "1-2-3").orElseThrow();
        assertThat(d.kind()).isEqualTo("duplicate");
        assertThat(d.dupValue()).isEqualTo("900001");
        assertThat(d.dupKey()).isEqualTo("PRIMARY");
        ApplierStop m = ApplierStop.of("a", 1032, "Could not execute Update_rows_v1 event on table od_x_1.t; Can't"
                + " find record in 't', Error_code: 1032; handler error HA_ERR_KEY_NOT_FOUND", "1-2-3").orElseThrow();
        assertThat(m.kind()).isEqualTo("missing");
        assertThat(m.table()).isEqualTo("t");
    }

    @Test
    void otherErrorsAndForeignSignalsAreNotConflicts() {
        assertThat(ApplierStop.of("a", 1146, "Could not execute Write_rows_v1 event on table od_x_1.t; Table"
                + " doesn't exist", "1-2-3")).isEmpty();
        assertThat(ApplierStop.of("a", 1644, "Could not execute Write_rows_v1 event on table od_x_1.t; some other"
                + " signal", "1-2-3")).isEmpty();
    }

    @Test
    void versionsOrderByTimeThenServer() {
        String older = RowImages.stamp(new Row(Map.of("changed_at", "2026-12-01 08:49:43.926791",
                "changed_by", 999999999)));
        String newer = RowImages.stamp(new Row(Map.of("changed_at", "2026-12-01 08:49:43.926792", "changed_by", 1)));
        String tie = RowImages.stamp(new Row(Map.of("changed_at", "2026-12-01 08:49:43.926792", "changed_by", 2)));
        assertThat(newer).isGreaterThan(older);
        assertThat(tie).isGreaterThan(newer);
        assertThat(RowImages.stamp(new Row(Map.of()))).isLessThan(older);
    }
}
