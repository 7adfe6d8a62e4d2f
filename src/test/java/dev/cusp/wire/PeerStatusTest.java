package dev.cusp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cusp.base.JsonMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peer status record keeps the field names sites have always sent, and reads strictly. */
class PeerStatusTest {
    static PeerStatus sample() {
        PeerLink link = new PeerLink("b", "127.0.0.1", 3307, "running", "stopped", null, "2-2-5", "2-2-4", 1062,
                "Duplicate entry", "broken", "2026-12-03T12:00:00Z", "applier stopped", "DUPLICATE_KEY", "why", "fix");
        Alert alert = new Alert("1", "b", "broken", "DUPLICATE_KEY", "2026-12-03T12:00:00Z", "m", "f", null);
        return new PeerStatus(1L, "a", "peer", "1.0", 1, 1, "1-1-1", false, "1-1-9", "1-1-9", Map.of("b", 0.5), false,
                "broken", List.of(link), null, null, List.of(alert), null, Map.of(), null, List.of());
    }

    @Test
    void writesTheSnakeCaseNamesSitesExchange() {
        JsonNode n = JsonMapping.MAPPER.valueToTree(sample());
        assertThat(n.fieldNames()).toIterable().containsExactly("clock_ms", "site", "role", "version", "server_id",
                "gtid_domain_id", "seed_gtid", "seeding", "gtid_current_pos", "gtid_binlog_pos", "clock_offsets",
                "read_only", "health", "links", "fenced", "deletion_guard", "alerts", "reconcile_error",
                "version_holds", "copies");
        assertThat(n.path("links").get(0).fieldNames()).toIterable().containsExactly("channel", "source_host",
                "source_port", "receiver", "applier", "seconds_behind", "gtid_io_pos", "gtid_slave_pos", "last_errno",
                "last_error", "state", "state_since", "detail", "code", "explanation", "fix");
        assertThat(n.path("alerts").get(0).has("cleared_at")).isTrue();
        assertThat(JsonMapping.read(n, PeerStatus.class)).isEqualTo(sample());
    }

    @Test
    void aMissingFieldFailsInsteadOfReadingBlank() {
        ObjectNode n = JsonMapping.MAPPER.valueToTree(sample());
        n.remove("gtid_current_pos");
        assertThatThrownBy(() -> JsonMapping.read(n, PeerStatus.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gtid_current_pos");
        ObjectNode renamed = JsonMapping.MAPPER.valueToTree(sample());
        ((ObjectNode) renamed.path("links").get(0)).set("recv", ((ObjectNode) renamed.path("links").get(0))
                .remove("receiver"));
        assertThatThrownBy(() -> JsonMapping.read(renamed, PeerStatus.class)).hasMessageContaining("receiver");
    }

    @Test
    void aFieldFromANewerSiteIsSkipped() {
        ObjectNode n = JsonMapping.MAPPER.valueToTree(sample());
        n.put("added_later", 1);
        assertThat(JsonMapping.read(n, PeerStatus.class)).isEqualTo(sample());
    }

    @Test
    void stoppedLinksNameTheChannelsNotRunning() {
        assertThat(sample().stoppedLinks()).containsExactly("b");
    }
}
