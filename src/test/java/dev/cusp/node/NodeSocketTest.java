package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
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

    /** A node folder too deep for its socket, of this test alone (its named short folder is too). */
    static NodeConfig deepOfItsOwn() {
        return at("/srv/" + UUID.randomUUID() + "/" + "h".repeat(85) + "/node");
    }

    /** What another local user can do before the site starts: take the named short folder. */
    static void aStartMakesAFolderOfItsOwnWhenTheNamedOneIsTaken(NodeConfig c) throws Exception {
        Path named = c.socketDir();
        try {
            NodeFolders.shortSocketDir(c, null);
            Path fresh = c.socketDir();
            assertThat(fresh).isNotEqualTo(named);
            assertThat(fresh.toString()).matches("/tmp/cusp-[0-9]+");
            assertThat(c.socket().toString().length()).isLessThanOrEqualTo(NodeConfig.SOCKET_PATH_MAX);
            assertThat(Files.isDirectory(fresh, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
            assertThat(Files.getOwner(fresh, LinkOption.NOFOLLOW_LINKS).getName())
                    .isEqualTo(System.getProperty("user.name"));
            // The other user's folder or link is left as it was, and the site never uses it.
            assertThat(Files.exists(named, LinkOption.NOFOLLOW_LINKS)).isTrue();
            // Every config of this node in the process finds the chosen folder until the node stops.
            assertThat(new NodeConfig(c.dir(), 1, 1, 1, 64, null, null, null, "x").socketDir()).isEqualTo(fresh);
            Files.delete(fresh);
        } finally {
            SocketFolders.forget(c.dir());
            Files.deleteIfExists(named);
        }
        assertThat(c.socketDir()).isEqualTo(named);
    }

    @Test
    void aLinkAnotherUserPutAtTheNamedShortFolderNeitherBlocksNorRedirectsTheSocket() throws Exception {
        NodeConfig c = deepOfItsOwn();
        Path elsewhere = Files.createTempDirectory("elsewhere");
        Files.createSymbolicLink(c.socketDir(), elsewhere);
        try {
            aStartMakesAFolderOfItsOwnWhenTheNamedOneIsTaken(c);
            assertThat(elsewhere).isEmptyDirectory();
        } finally {
            Files.deleteIfExists(elsewhere);
        }
    }

    @Test
    void aFolderAnotherUserMadeAtTheNamedShortFolderDoesNotBlockTheStart() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to own a folder as nobody");
        NodeConfig c = deepOfItsOwn();
        Files.createDirectory(c.socketDir(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwxrwx")));
        UserPrincipal nobody = c.socketDir().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(c.socketDir(), nobody);
        aStartMakesAFolderOfItsOwnWhenTheNamedOneIsTaken(c);
    }

    @Test
    void theNamedShortFolderIsUsedWhenItIsFreeOrThisSitesOwn() throws Exception {
        NodeConfig c = deepOfItsOwn();
        Path named = c.socketDir();
        try {
            NodeFolders.shortSocketDir(c, null);
            assertThat(c.socketDir()).isEqualTo(named);
            NodeFolders.shortSocketDir(c, null);
            assertThat(c.socketDir()).isEqualTo(named);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(named))).isEqualTo("rwx------");
        } finally {
            Files.deleteIfExists(named);
        }
    }
}
