package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where a node's unix socket goes: its run folder, or a short folder when that path is too long. */
class NodeSocketTest {
    static NodeConfig at(String dir) {
        return new NodeConfig(Path.of(dir), 3306, 1, 1, 64, null, null, null, "x");
    }

    @Test
    void aShortNodeFolderKeepsTheSocketInItsRunFolder() {
        NodeConfig c = at("/srv/cusp/node");
        assertThat(c.socket()).isEqualTo(Path.of("/srv/cusp/node/run/mysqld.sock"));
    }

    @Test
    void aNodeFolderTooDeepForAUnixSocketGetsAShortStableFolderOfItsOwn() {
        String deep = "/srv/" + "h".repeat(85) + "/node";
        assertThat(Path.of(deep, "run", "mysqld.sock").toString().length()).isGreaterThan(NodeConfig.SOCKET_PATH_MAX);
        NodeConfig c = at(deep);
        assertThat(c.socket().toString().length()).isLessThanOrEqualTo(NodeConfig.SOCKET_PATH_MAX);
        assertThat(c.socketDir().toString()).matches("/tmp/cusp-[0-9a-f]{16}");
        assertThat(at(deep).socket()).isEqualTo(c.socket());
        assertThat(at(deep + "2").socketDir()).isNotEqualTo(c.socketDir());
    }
}
