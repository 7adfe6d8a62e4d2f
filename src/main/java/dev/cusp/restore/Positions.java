package dev.cusp.restore;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * This node's binary log position, and the wait for another site's: how a restore (or a
 * suspend) knows that everything a site wrote before a step has arrived here.
 */
final class Positions {
    private final DataSource admin;
    private final NodeConfig node;

    Positions(DataSource admin, NodeConfig node) {
        this.admin = admin;
        this.node = node;
    }

    /** Everything this node has written or applied ({@code @@gtid_binlog_pos}). */
    String here() throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Waits until this node has applied {@code pos} ({@code from}'s position). */
    void waitFor(String pos, String from) throws SQLException {
        // This node's own domain is what it wrote itself: never "applied", so never waited for.
        String others = Arrays.stream(pos == null ? new String[0] : pos.split(","))
                .map(String::trim).filter(g -> !g.isEmpty() && !g.startsWith(node.gtidDomainId() + "-"))
                .collect(Collectors.joining(","));
        if (others.isEmpty()) {
            return;
        }
        pos = others;
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT MASTER_GTID_WAIT(?, 120)")) {
            ps.setString(1, pos);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new CuspException(ErrorCode.UNAVAILABLE, "the changes " + from + " made before the restore"
                            + " did not arrive here within 120 s (position " + pos + "); check its link with"
                            + " 'cusp status'");
                }
            }
        }
    }
}
