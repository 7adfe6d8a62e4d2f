package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.TenantView;
import org.junit.jupiter.api.Test;

/** A renamed answer field fails the command with one line naming it, instead of printing blank. */
class AnswerReadTest {
    @Test
    void aRenamedFieldFailsTheCommand() {
        ObjectNode n = JsonMapping.MAPPER.valueToTree(new TenantView("acme", 1, "od_acme_1", "u_acme", "active", "3",
                null, 10L));
        n.set("schema", n.remove("schema_version"));
        assertThatThrownBy(() -> AdminClient.read(n, TenantView.class)).isInstanceOf(CuspException.class)
                .hasMessageContaining("schema_version")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CuspException) e).code())
                        .isEqualTo(ErrorCode.INTERNAL));
    }
}
