package dev.cusp.sampledata;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The session's auto-increment lane ({@code auto_increment_increment} and {@code _offset}):
 * generated keys follow it exactly as AUTO_INCREMENT would, so a multi-writer site keeps its
 * keys apart from the other writers' even when the generator picks them itself.
 */
record KeySpacing(long increment, long offset) {

    static KeySpacing of(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@auto_increment_increment, @@auto_increment_offset")) {
            rs.next();
            long inc = Math.max(1, rs.getLong(1));
            long off = rs.getLong(2);
            // MariaDB ignores an offset larger than the increment; so do we.
            return new KeySpacing(inc, off < 1 || off > inc ? 1 : off);
        }
    }

    /** The smallest key in this lane above every key the table already has. */
    long firstAbove(Connection c, String table) throws SQLException {
        long max;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM "
                + table)) {
            rs.next();
            max = rs.getLong(1);
        }
        long k = Math.floorDiv(max - offset, increment) + 1;
        return Math.max(offset, offset + k * increment);
    }
}
