package dev.cusp.node;

import dev.cusp.wire.NodeStatusView;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The node's version and replication settings, read live from the server. */
public final class NodeStatus {
    private NodeStatus() {
    }

    public static NodeStatusView read(DataSource admin) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION() AS version, @@bind_address AS bind_address,"
                     + " @@port AS port, @@server_id AS server_id, @@gtid_domain_id AS gtid_domain_id,"
                     + " @@log_bin AS log_bin, @@binlog_format AS binlog_format,"
                     + " @@log_slave_updates AS log_slave_updates, @@gtid_ignore_duplicates AS gtid_ignore_duplicates,"
                     + " @@gtid_current_pos AS gtid_current_pos, @@GLOBAL.auto_increment_increment AS auto_increment_increment,"
                     + " @@GLOBAL.auto_increment_offset AS auto_increment_offset, @@read_only AS read_only,"
                     + " @@have_ssl AS tls, @@sync_binlog AS sync_binlog")) {
            rs.next();
            return new NodeStatusView(rs.getString("version"), rs.getString("bind_address"), rs.getLong("port"),
                    rs.getLong("server_id"), rs.getLong("gtid_domain_id"), rs.getBoolean("log_bin"),
                    rs.getString("binlog_format"), rs.getBoolean("log_slave_updates"),
                    rs.getBoolean("gtid_ignore_duplicates"), rs.getString("gtid_current_pos"),
                    rs.getLong("auto_increment_increment"), rs.getLong("auto_increment_offset"),
                    rs.getBoolean("read_only"), rs.getString("tls"), rs.getLong("sync_binlog"), null);
        } catch (SQLException e) {
            return NodeStatusView.unreachable("node not reachable: " + e.getMessage());
        }
    }
}
