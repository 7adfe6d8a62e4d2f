package dev.cusp.node;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The short socket folders chosen in place of a node's usual one for the current start (see
 * {@link NodeConfig#socketDir}): when the folder named after the node folder in {@code /tmp} is
 * taken by someone else, a fresh folder with an unpredictable name is used instead, and every
 * {@link NodeConfig} of that node in this process finds it here until the node stops.
 */
final class SocketFolders {
    private static final Map<Path, Path> CHOSEN = new ConcurrentHashMap<>();

    private SocketFolders() {
    }

    static Path chosen(Path nodeDir) {
        return CHOSEN.get(key(nodeDir));
    }

    static void choose(Path nodeDir, Path folder) {
        CHOSEN.put(key(nodeDir), folder);
    }

    static void forget(Path nodeDir) {
        CHOSEN.remove(key(nodeDir));
    }

    private static Path key(Path nodeDir) {
        return nodeDir.toAbsolutePath().normalize();
    }
}
