package dev.cusp.query;

import dev.cusp.error.CuspException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs a checked statement on a connection of the practice's own database user. A read runs in
 * a {@code READ ONLY} transaction that is rolled back (so even a stored function cannot write),
 * under {@code SET STATEMENT max_statement_time=N, sql_select_limit=max_rows+1 FOR ...}: the
 * server stops it after N seconds and never sends more than one row past the limit.
 */
final class QueryRunner {
    /** Longest cell text returned; longer values are cut (and say so). */
    private static final int MAX_CELL_CHARS = 4096;
    private static final Executor ABORT = r -> Thread.ofVirtual().start(r);

    private QueryRunner() {
    }

    static Map<String, Object> run(Connection c, CheckedQuery q, int maxRows, int timeoutSeconds)
            throws SQLException {
        // A backstop behind max_statement_time: the driver gives up on a silent socket.
        c.setNetworkTimeout(ABORT, (timeoutSeconds + 15) * 1000);
        long start = System.nanoTime();
        try (Statement s = c.createStatement()) {
            Map<String, Object> out = q.kind() == QueryKind.READ ? read(s, q, maxRows, timeoutSeconds)
                    : write(s, q, timeoutSeconds);
            out.put("elapsed_ms", (System.nanoTime() - start) / 1_000_000);
            return out;
        } catch (SQLTimeoutException e) {
            throw timedOut(timeoutSeconds, e);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1969 || e.getErrorCode() == 3024) {
                throw timedOut(timeoutSeconds, e);
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            throw new CuspException(dev.cusp.error.ErrorCode.INVALID_INPUT, "the database refused the query: "
                    + e.getMessage() + " (error " + e.getErrorCode() + ")", "sql", e);
        }
    }

    private static Map<String, Object> read(Statement s, CheckedQuery q, int maxRows, int timeout)
            throws SQLException {
        boolean select = q.verb().equals("SELECT");
        String sql = select ? "SET STATEMENT max_statement_time=" + timeout + ", sql_select_limit=" + (maxRows + 1)
                + " FOR " + q.sql() : q.sql();
        s.execute("START TRANSACTION READ ONLY");
        try {
            List<Map<String, Object>> columns = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            boolean truncated = false;
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    for (int i = 1; i <= n; i++) {
                        Map<String, Object> col = new LinkedHashMap<>();
                        col.put("name", md.getColumnLabel(i));
                        col.put("type", md.getColumnTypeName(i));
                        columns.add(col);
                    }
                    while (rs.next()) {
                        if (rows.size() == maxRows) {
                            truncated = true;
                            break;
                        }
                        List<Object> row = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            row.add(value(rs.getObject(i)));
                        }
                        rows.add(row);
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("statement", q.verb());
            out.put("columns", columns);
            out.put("rows", rows);
            out.put("row_count", rows.size());
            out.put("max_rows", maxRows);
            out.put("truncated", truncated);
            if (truncated) {
                out.put("message", "showing the first " + maxRows + " rows; the query returns more: add a WHERE or"
                        + " LIMIT, or raise max_rows (at most " + QueryWindow.MAX_ROWS + ")");
            }
            return out;
        } finally {
            s.execute("ROLLBACK");
        }
    }

    private static Map<String, Object> write(Statement s, CheckedQuery q, int timeout) throws SQLException {
        int n = s.executeUpdate("SET STATEMENT max_statement_time=" + timeout + " FOR " + q.sql());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("statement", q.verb());
        out.put("columns", List.of());
        out.put("rows", List.of());
        out.put("row_count", 0);
        out.put("affected_rows", n);
        out.put("truncated", false);
        return out;
    }

    /** A cell as JSON: numbers and booleans stay, dates become ISO text, bytes hex, text is capped. */
    static Object value(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof byte[] b) {
            String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, MAX_CELL_CHARS / 2));
            return "0x" + hex + (b.length > MAX_CELL_CHARS / 2 ? "... (" + b.length + " bytes)" : "");
        }
        String t = v.toString();
        return t.length() > MAX_CELL_CHARS ? t.substring(0, MAX_CELL_CHARS) + "... (" + t.length() + " characters)"
                : t;
    }

    private static CuspException timedOut(int seconds, Exception e) {
        return new CuspException(dev.cusp.error.ErrorCode.INVALID_INPUT, "the query ran longer than " + seconds
                + " s and was stopped (max_statement_time); narrow it with WHERE or LIMIT", "sql", e);
    }
}
