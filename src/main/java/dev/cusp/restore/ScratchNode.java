package dev.cusp.restore;

import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A separate, short-lived MariaDB server where one practice is rebuilt: the backup is loaded
 * into it and its replication applier replays the archived binary logs, filtered to the
 * practice's databases. It is a server of its own because the node's applier would skip what
 * the node itself wrote (its own server_id) and what its GTID state already holds. The same
 * binaries and the same database OS user as the node; its server_id is drawn from a range no
 * site uses (a site's are small), so no event in the logs is taken for its own. Its applier
 * runs no trigger for row events: the logs already hold what the triggers wrote.
 */
final class ScratchNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchNode.class);
    /** Short: the server's socket path below it must stay within the 107 bytes a unix socket allows. */
    static final String PREFIX = "s";
    private final EmbeddedNode node;
    private final Path dir;

    private ScratchNode(EmbeddedNode node, Path dir) {
        this.node = node;
        this.dir = dir;
    }

    /**
     * Starts a scratch server in a new folder under {@code parent} that applies only
     * {@code databases} (exact names; a practice's own database and the ones it owns).
     */
    static ScratchNode start(NodeConfig site, Path parent, List<String> wildDoTables) {
        SecureRandom r = new SecureRandom();
        Path dir = parent.resolve(PREFIX + HexFormat.of().formatHex(bytes(r, 4)));
        long serverId = 3_000_000_000L + r.nextInt(1_000_000_000);
        NodeConfig c = new NodeConfig(dir, freePort(), serverId, serverId, 128, site.caCert(), site.cert(),
                site.key(), HexFormat.of().formatHex(bytes(r, 18)), site.dbOsUser());
        EmbeddedNode n = new EmbeddedNode(c);
        List<String> args = new ArrayList<>(List.of("--skip-log-bin", "--log-slave-updates=OFF",
                "--slave-run-triggers-for-rbr=NO", "--skip-slave-start", "--relay-log-purge=OFF",
                "--slave-parallel-threads=0", "--innodb-flush-log-at-trx-commit=2"));
        for (String w : wildDoTables) {
            args.add("--replicate-wild-do-table=" + w);
        }
        n.extraArgs(args);
        try {
            n.start();
        } catch (RuntimeException e) {
            n.close();
            deleteTree(dir);
            throw e;
        }
        LOG.info("restore: scratch server up in {} (server_id {})", dir.getFileName(), serverId);
        return new ScratchNode(n, dir);
    }

    EmbeddedNode node() {
        return node;
    }

    NodeConfig config() {
        return node.config();
    }

    @Override
    public void close() {
        node.close();
        deleteTree(dir);
    }

    /** Stops scratch servers a killed site left behind and deletes their folders. */
    static void reapLeftovers(Path parent) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> s = Files.list(parent)) {
            for (Path d : s.filter(p -> p.getFileName().toString().matches(PREFIX + "[0-9a-f]{8}")).toList()) {
                Path pid = d.resolve("run").resolve("mariadbd.pid");
                try {
                    if (Files.exists(pid)) {
                        long p = Long.parseLong(Files.readString(pid).trim());
                        Optional<ProcessHandle> h = ProcessHandle.of(p).filter(ph -> ph.info().commandLine()
                                .map(cl -> cl.contains(d.toString())).orElse(false));
                        h.ifPresent(ph -> {
                            ph.destroyForcibly();
                            ph.onExit().join();
                        });
                    }
                } catch (IOException | NumberFormatException e) {
                    LOG.warn("restore: leftover scratch server {}: {}", d.getFileName(), e.getMessage());
                }
                deleteTree(d);
                LOG.info("restore: removed the scratch server a stopped site left behind ({})", d.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("restore: cannot look for leftover scratch servers: {}", e.getMessage());
        }
    }

    private static byte[] bytes(SecureRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort; a leftover is removed at the next start.
                }
            });
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
