package dev.cusp.node;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What must happen to a node's closed binary logs before anything purges them (the restore's
 * archive copies them). The purge guard calls {@link #run} right before {@code PURGE BINARY
 * LOGS}; a failure stops the purge. Kept here, below both, so the purge guard (group) and the
 * archive (restore) need not know each other. One hook per node, by its data folder: sites in
 * one JVM, as in tests, each have their own.
 */
public final class BeforePurge {
    /** The work: given the node and a statement on its admin connection. */
    @FunctionalInterface
    public interface Hook {
        void run(NodeConfig node, Statement s) throws SQLException;
    }

    private static final Map<Path, Hook> HOOKS = new ConcurrentHashMap<>();

    private BeforePurge() {
    }

    public static void register(NodeConfig node, Hook hook) {
        HOOKS.put(node.dataDir(), hook);
    }

    public static void unregister(NodeConfig node) {
        HOOKS.remove(node.dataDir());
    }

    /** Runs the node's hook, if any. */
    public static void run(NodeConfig node, Statement s) throws SQLException {
        Hook h = HOOKS.get(node.dataDir());
        if (h != null) {
            h.run(node, s);
        }
    }
}
