package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import org.junit.jupiter.api.Test;

/** A held site's answer is read strictly: a missing position fails the restore, never "nothing to wait for". */
class RestoreGroupLinkTest {
    @Test
    void readsTheHeldSitesPosition() throws Exception {
        assertThat(RestoreGroupLink.heldPosition(JsonMapping.MAPPER.readTree(
                "{\"tenant\":\"p\",\"gtid_binlog_pos\":\"0-1-5,2-2-9\"}"), "b")).isEqualTo("0-1-5,2-2-9");
    }

    @Test
    void anAnswerWithoutThePositionFailsNamingTheSite() throws Exception {
        // The old read (.path("gtid_binlog_pos").asText("")) took this as "" and swapped at once.
        assertThatThrownBy(() -> RestoreGroupLink.heldPosition(JsonMapping.MAPPER.readTree(
                "{\"tenant\":\"p\",\"gtidBinlogPos\":\"0-1-5\"}"), "b"))
                .isInstanceOf(CuspException.class).hasMessageContaining("b did not say how far it has written")
                .hasMessageContaining("gtid_binlog_pos");
    }
}
