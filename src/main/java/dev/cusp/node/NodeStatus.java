package dev.cusp.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The node's version and replication settings, read live from the server. */
public final class NodeStatus {
    private NodeStatus() {
    }

    public static Map<String, Object> read(DataSource admin) {
        Map<String, Object> m = new LinkedHashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION() AS version, @@bind_address AS bind_address,"
                     + " @@port AS port, @@server_id AS server_id, @@gtid_domain_id AS gtid_domain_id,"
                     + " @@log_bin AS log_bin, @@binlog_format AS binlog_format,"
                     + " @@log_slave_updates AS log_slave_updates, @@gtid_ignore_duplicates AS gtid_ignore_duplicates,"
                     + " @@gtid_current_pos AS gtid_current_pos, @@GLOBAL.auto_increment_increment AS auto_increment_increment,"
                     + " @@GLOBAL.auto_increment_offset AS auto_increment_offset, @@read_only AS read_only,"
                     + " @@have_ssl AS tls, @@sync_binlog AS sync_binlog")) {
            rs.next();
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                if (v instanceof Number n && md.getColumnLabel(i).matches("log_bin|log_slave_updates|"
                        + "gtid_ignore_duplicates|read_only")) {
                    v = n.intValue() != 0;
                }
                m.put(md.getColumnLabel(i), v);
            }
        } catch (SQLException e) {
            m.put("error", "node not reachable: " + e.getMessage());
        }
        return m;
    }
}
