package dev.cusp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.base.JsonMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link JsonMapping#read} lets through: fields a sender may leave out, and nothing it always sends. */
class WireReadTest {
    private static ObjectNode job() {
        return JsonMapping.MAPPER.valueToTree(new JobStatus("1", "check", "running", "2026-12-03T12:00:00Z", null,
                List.of("step"), JsonMapping.MAPPER.createObjectNode(), null, null, null));
    }

    @Test
    void aJobWithoutResultErrorOrSiteReadsAsTheSiteWritesIt() {
        ObjectNode n = job();
        assertThat(n.has("result")).isFalse();
        assertThat(n.has("site")).isFalse();
        assertThat(n.has("finished_at")).isTrue();
        JobStatus j = JsonMapping.read(n, JobStatus.class);
        assertThat(j.steps()).containsExactly("step");
        assertThat(j.result()).isNull();
    }

    @Test
    void aFieldTheSiteAlwaysSendsMustBeThere() {
        ObjectNode n = job();
        n.remove("finished_at");
        assertThatThrownBy(() -> JsonMapping.read(n, JobStatus.class)).hasMessageContaining("finished_at");
    }

    @Test
    void aMissingFieldInsideAListOrMapIsNamedWithItsPath() {
        CheckReport r = new CheckReport("a", List.of("t"), List.of("a", "b"), List.of(), 1, 1, 1, 0, 0.1, 10, false, 1,
                List.of(new CheckDifference("t", "od_t_1", "patient", "id", null, null, java.util.Map.of("a", 1L),
                        List.of(new RowDifference(5, List.of("b"), java.util.Map.of("a", "1f", "b", "missing"))),
                        null)));
        ObjectNode n = JsonMapping.MAPPER.valueToTree(r);
        ((ObjectNode) n.path("differences").get(0).path("rows").get(0)).remove("differs_at");
        assertThatThrownBy(() -> JsonMapping.read(n, CheckReport.class))
                .hasMessageContaining("differences[0].rows[0].differs_at");
    }
}
