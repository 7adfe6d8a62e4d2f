package dev.cusp.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The conflict log's writes take the node's current auto-increment lane even on a pooled
 * session opened before the group's key spacing changed (that session would otherwise number
 * its rows in another site's lane, and the sites' conflict rows would collide when they
 * replicate).
 */
class KeySpacingSessionIT {
    @Test
    void aStaleSessionIsPutInTheNodesCurrentLane() throws Exception {
        TestSite t = TestSite.shared();
        try (Connection c = t.site.node().adminConnection(); Statement s = c.createStatement()) {
            long[] global = values(s, "GLOBAL");
            // As a session opened before a join changed the spacing: another lane than the node's.
            long staleIncrement = global[0] + 2;
            s.execute("SET SESSION auto_increment_increment = " + staleIncrement + ", auto_increment_offset = 2");
            assertThat(values(s, "SESSION")).containsExactly(staleIncrement, 2L);

            ConflictLog.useNodeKeySpacing(c);

            assertThat(values(s, "SESSION")).containsExactly(global);
        }
    }

    private static long[] values(Statement s, String scope) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT @@" + scope + ".auto_increment_increment, @@" + scope
                + ".auto_increment_offset")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
