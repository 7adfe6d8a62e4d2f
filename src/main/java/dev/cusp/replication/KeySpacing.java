package dev.cusp.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Keeps auto-increment keys from colliding between writable sites: with {@code n} writers,
 * every writer steps by {@code n} from its own offset, so writer 1 makes 1, n+1, 2n+1... and
 * writer 2 makes 2, n+2... The documented system asks an administrator to edit every server's
 * config for this; Cusp computes it for the whole group and applies it to every node.
 *
 * @param increment the number of writers (at least 1)
 * @param offset    this writer's place, 1..increment
 */
public record KeySpacing(int increment, int offset) {

    public KeySpacing {
        if (increment < 1 || increment > 65535 || offset < 1 || offset > increment) {
            throw new IllegalArgumentException("bad key spacing " + offset + "/" + increment);
        }
    }

    /**
     * Applies it to the running node. The setting is per session, taken when a session opens,
     * so the pools given are refreshed: their open connections are retired as soon as they are
     * idle, and every later statement uses the new spacing.
     */
    public void apply(DataSource admin, com.zaxxer.hikari.HikariDataSource... pools) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL auto_increment_increment = " + increment);
            s.execute("SET GLOBAL auto_increment_offset = " + offset);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set auto_increment_increment/offset: " + e.getMessage(), e);
        }
        for (var p : pools) {
            if (p.getHikariPoolMXBean() != null) {
                p.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    /** The node arguments that keep it across a restart. */
    public java.util.List<String> nodeArgs() {
        return java.util.List.of("--auto-increment-increment=" + increment, "--auto-increment-offset=" + offset);
    }
}
