package dev.cusp.group;

import dev.cusp.replication.GtidPos;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The node's GTID positions, read in one statement. {@code gtid_binlog_pos} is what the node
 * holds, whoever wrote it; {@code gtid_slave_pos} is what it received by replication. In a
 * domain that is not the site's own, every transaction arrives by replication, so the binary
 * log can never be ahead of the replicated position there: a node where it is holds
 * transactions made at its node under another site's domain (errant GTIDs).
 */
record NodePositions(String current, String binlog, String slave) {

    static NodePositions read(DataSource admin) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@gtid_current_pos, @@gtid_binlog_pos, @@gtid_slave_pos")) {
            rs.next();
            return new NodePositions(rs.getString(1), rs.getString(2), rs.getString(3));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the node's GTID positions: " + e.getMessage(), e);
        }
    }

    GtidPos binlogPos() {
        return GtidPos.parse(binlog);
    }

    GtidPos slavePos() {
        return GtidPos.parse(slave);
    }
}
