package dev.cusp.sampledata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rows of one table as multi-row {@code INSERT ... VALUES (...),(...)} statements, a few
 * hundred rows at a time. The caller commits; this class only sends.
 *
 * <p>Keys are given, not left to AUTO_INCREMENT: references between the generated rows are
 * then known before anything is sent, and two runs give the same keys. They follow the
 * session's {@code auto_increment_increment}/{@code _offset}, so on a multi-writer site they
 * stay in this writer's lane and never collide with keys another site makes.
 */
final class RowBatcher {
    /** Bound parameters per statement stay far below the protocol's 65,535. */
    private static final int MAX_PARAMS = 20_000;
    private static final int MAX_ROWS = 1_000;

    private final Connection c;
    private final String table;
    private final String insertHead;
    private final String rowPlaceholders;
    private final int columns;
    private final int rowsPerStatement;
    private final List<Object[]> pending = new ArrayList<>();
    private PreparedStatement full;
    private long nextId;
    private final long step;
    private long written;

    RowBatcher(Connection c, KeySpacing spacing, String table, String... columns) throws SQLException {
        this.c = c;
        this.table = table;
        this.columns = columns.length;
        this.insertHead = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ";
        this.rowPlaceholders = "(" + "?,".repeat(columns.length - 1) + "?)";
        this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS, MAX_PARAMS / columns.length));
        this.step = spacing.increment();
        this.nextId = spacing.firstAbove(c, table);
    }

    String table() {
        return table;
    }

    /** The key the next row of this table gets; call once per row, in order. */
    long nextId() {
        long id = nextId;
        nextId += step;
        return id;
    }

    /** Queues one row (its values in column order) and sends a statement when enough are queued. */
    void add(Object... values) throws SQLException {
        if (values.length != columns) {
            throw new IllegalArgumentException(table + ": " + values.length + " values for " + columns + " columns");
        }
        pending.add(values);
        if (pending.size() >= rowsPerStatement) {
            flush();
        }
    }

    /** Sends whatever is queued. */
    void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        int n = pending.size();
        PreparedStatement ps;
        boolean reuse = n == rowsPerStatement;
        if (reuse) {
            if (full == null) {
                full = c.prepareStatement(sql(n));
            }
            ps = full;
        } else {
            ps = c.prepareStatement(sql(n));
        }
        try {
            int p = 1;
            for (Object[] row : pending) {
                for (Object v : row) {
                    if (v == null) {
                        ps.setNull(p++, Types.NULL);
                    } else {
                        ps.setObject(p++, v);
                    }
                }
            }
            ps.executeUpdate();
        } finally {
            if (!reuse) {
                ps.close();
            }
        }
        written += n;
        pending.clear();
    }

    long written() {
        return written;
    }

    void close() throws SQLException {
        if (full != null) {
            full.close();
        }
    }

    private String sql(int rows) {
        StringBuilder b = new StringBuilder(insertHead.length() + rows * (rowPlaceholders.length() + 1));
        b.append(insertHead);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(rowPlaceholders);
        }
        return b.toString();
    }
}
