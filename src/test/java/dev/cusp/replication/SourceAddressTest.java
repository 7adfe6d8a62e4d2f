package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CHANGE MASTER never sees a source host or port that is not one, whatever the source site's
 * grant said: MariaDB 11.4 takes a line break in MASTER_HOST and writes it verbatim into the
 * channel's master info file (one field a line), cuts the host at a NUL, keeps the old port on
 * port 0 and takes 70000. Refused before any connection is opened (the data source here has none).
 */
class SourceAddressTest {

    @Test
    void aHostileSourceHostOrPortIsRefusedBeforeTheNodeIsTouched() {
        ReplicationChannels channels = new ReplicationChannels(null);
        for (String host : new String[] {"evil\nroot\nrootpw\n3306", "x', MASTER_USER='root", "nul\u0000x", "",
                "h".repeat(300), "[::1]"}) {
            assertThatThrownBy(() -> channels.start(new ReplicationSource("src", host, 3306, "u", "p",
                    Path.of("ca.pem")), 1)).as(host).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refusing replication channel src");
        }
        for (int port : new int[] {0, -1, 65536, 70000}) {
            assertThatThrownBy(() -> channels.start(new ReplicationSource("src", "localhost", port, "u", "p",
                    Path.of("ca.pem")), 1)).as("port " + port).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
