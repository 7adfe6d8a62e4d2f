package dev.cusp.replication;

import dev.cusp.node.EmbeddedNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Checks a node's replication settings against what its place in the group requires, and
 * fixes them: dynamic ones at once ({@code SET GLOBAL}), the others by a restart of the
 * embedded node with the right arguments. The answer is the table an administrator would
 * otherwise compile by hand on every server: setting, current, required, what was done.
 */
public final class NodeSettings {
    /** Not set while the node runs: read-only, or refused while a replication channel runs. */
    private static final List<String> STATIC = List.of("log_bin", "log_slave_updates", "slave_parallel_mode");
    /** Set while every channel is stopped; what ran before runs again after. */
    static final String APPLIERS = "slave_parallel_threads";

    private NodeSettings() {
    }

    /** One line of the table. {@code action} is ok, set, or restart. */
    public record Row(String setting, String current, String required, String action) {
    }

    /**
     * Replication worker threads for a node with this many sources: parallel with one, one
     * thread with two or more (why: {@link EmbeddedNode#PARALLEL_APPLIERS}).
     */
    public static int appliersFor(int sources) {
        return sources <= 1 ? EmbeddedNode.PARALLEL_APPLIERS : EmbeddedNode.DEFAULT_APPLIERS;
    }

    /**
     * What a peer (writable member) with {@code appliers} worker threads needs
     * ({@link #appliersFor}); a replica needs the same plus read_only.
     */
    public static Map<String, String> required(boolean writable, KeySpacing keys, long serverId, long domainId,
                                               int appliers) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log_bin", "ON");
        m.put("log_slave_updates", "ON");
        m.put("binlog_format", "ROW");
        m.put("gtid_ignore_duplicates", "ON");
        m.put(APPLIERS, Integer.toString(appliers));
        m.put("slave_parallel_mode", EmbeddedNode.PARALLEL_MODE);
        m.put("slave_net_timeout", Integer.toString(EmbeddedNode.NET_TIMEOUT_SECONDS));
        m.put("server_id", Long.toString(serverId));
        m.put("gtid_domain_id", Long.toString(domainId));
        m.put("auto_increment_increment", Integer.toString(keys.increment()));
        m.put("auto_increment_offset", Integer.toString(keys.offset()));
        m.put("read_only", writable ? "OFF" : "ON");
        return m;
    }

    /**
     * Applies every dynamic difference and returns the table. Rows with action {@code restart}
     * need the node restarted with the right arguments.
     */
    public static List<Row> fix(DataSource admin, Map<String, String> required) {
        List<Row> rows = new ArrayList<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (var e : required.entrySet()) {
                String current;
                try (ResultSet rs = s.executeQuery("SELECT @@GLOBAL." + e.getKey())) {
                    rs.next();
                    current = e.getValue().equals("ON") || e.getValue().equals("OFF") ? normalize(rs.getString(1))
                            : rs.getString(1);
                }
                if (current.equalsIgnoreCase(e.getValue())) {
                    rows.add(new Row(e.getKey(), current, e.getValue(), "ok"));
                } else if (e.getKey().equals(APPLIERS)) {
                    new ReplicationChannels(admin).setWhileStopped(e.getKey(), e.getValue());
                    rows.add(new Row(e.getKey(), current, e.getValue(), "set"));
                } else if (STATIC.contains(e.getKey())) {
                    rows.add(new Row(e.getKey(), current, e.getValue(), "restart"));
                } else {
                    String v = e.getValue().matches("[0-9]+") ? e.getValue() : "'" + e.getValue() + "'";
                    s.execute("SET GLOBAL " + e.getKey() + " = " + v);
                    rows.add(new Row(e.getKey(), current, e.getValue(), "set"));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the node's settings: " + e.getMessage(), e);
        }
        return rows;
    }

    private static String normalize(String v) {
        return switch (v == null ? "" : v) {
            case "1" -> "ON";
            case "0" -> "OFF";
            default -> v;
        };
    }
}
