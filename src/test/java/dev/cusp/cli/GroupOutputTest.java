package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.base.JsonMapping;
import dev.cusp.wire.GroupView;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code cusp status} reads the group answer as GroupStatus writes it: standalone, reachable and unreachable sites. */
class GroupOutputTest {
    private static String print(String json) throws Exception {
        StringWriter w = new StringWriter();
        Output.group(new PrintWriter(w, true), AdminClient.read(JsonMapping.MAPPER.readTree(json), GroupView.class));
        return w.toString();
    }

    @Test
    void standalone() throws Exception {
        assertThat(print("{\"state\":\"standalone\",\"sites\":[]}")).contains("standalone");
    }

    @Test
    void aReachableAndAnUnreachableSite() throws Exception {
        String member = "\"role\":\"peer\",\"state\":\"active\",\"url\":\"https://x\",\"node_host\":\"h\",\"node_port\":1,"
                + "\"server_id\":1,\"gtid_domain_id\":1,\"key_offset\":1,\"upstream\":null,\"seed_gtid\":null,"
                + "\"join_seq\":1,\"version\":\"1.0\"";
        String link = "{\"channel\":\"b\",\"source_host\":\"h\",\"source_port\":1,\"receiver\":\"running\","
                + "\"applier\":\"running\",\"seconds_behind\":0,\"gtid_io_pos\":\"\",\"gtid_slave_pos\":\"\","
                + "\"last_errno\":0,\"last_error\":null,\"state\":\"healthy\",\"state_since\":\"t\",\"detail\":null,"
                + "\"code\":null,\"explanation\":null,\"fix\":null,\"transactions_behind\":0}";
        String out = print("{\"topology\":\"mesh\",\"capacity\":8,\"update_site\":\"a\",\"sites\":["
                + "{\"name\":\"a\"," + member + ",\"reachable\":true,\"gtid_current_pos\":\"1-1-5\",\"read_only\":false,"
                + "\"health\":\"healthy\",\"fenced\":null,\"deletion_guard\":null,\"alerts\":[],"
                + "\"clock_offset_seconds\":null,\"version_holds\":{},\"links\":[" + link + "]},"
                + "{\"name\":\"b\"," + member + ",\"reachable\":false,\"error\":\"site b cannot be reached\"}]}");
        assertThat(out).contains("gtid 1-1-5").contains("<- b").contains("UNREACHABLE: site b cannot be reached");
    }
}
