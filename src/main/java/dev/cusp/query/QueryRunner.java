package dev.cusp.query;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.QueryResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a checked statement on a connection of the practice's own database user. The session
 * first takes the window's lexical rules ({@link LexicalCheck#SQL_MODE}); callers never give
 * such a connection back to the pool. A read runs in a {@code READ ONLY} transaction that is
 * rolled back (so even a stored function cannot write), under {@code SET STATEMENT
 * max_statement_time=N, sql_select_limit=max_rows+1 FOR ...}: the server stops it after N
 * seconds and never sends more than one row past the limit. Rows are streamed and cut as they
 * come ({@link ResultCells}), so the answer stays within {@code maxBytes} whatever the query.
 */
final class QueryRunner {
    private static final Executor ABORT = r -> Thread.ofVirtual().start(r);
    /** A single-quoted literal in SHOW GRANTS output: after IDENTIFIED, that is the password hash. */
    private static final Pattern QUOTED = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'");

    private QueryRunner() {
    }

    /** Puts a connection into the window's session mode. */
    static void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_mode = '" + LexicalCheck.SQL_MODE + "'");
        }
    }

    static QueryResult run(Connection c, CheckedQuery q, int maxRows, int timeoutSeconds, long maxBytes)
            throws SQLException {
        // A backstop behind max_statement_time: the driver gives up on a silent socket.
        c.setNetworkTimeout(ABORT, (timeoutSeconds + 15) * 1000);
        long start = System.nanoTime();
        try (Statement s = c.createStatement()) {
            // The driver must send the checked text as it is: no JDBC {escape} rewriting.
            s.setEscapeProcessing(false);
            QueryResult out = q.kind() == QueryKind.READ ? read(s, q, maxRows, timeoutSeconds, maxBytes)
                    : write(s, q, timeoutSeconds);
            return out.took((System.nanoTime() - start) / 1_000_000);
        } catch (SQLTimeoutException e) {
            throw timedOut(timeoutSeconds, e);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1969 || e.getErrorCode() == 3024) {
                throw timedOut(timeoutSeconds, e);
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            String hint = e.getErrorCode() == 1054 && q.sql().indexOf('"') >= 0 ? "; note that double quotes name"
                    + " columns in the query window (ANSI SQL): write text in single quotes" : "";
            throw new CuspException(ErrorCode.INVALID_INPUT, "the database refused the query: "
                    + e.getMessage() + " (error " + e.getErrorCode() + ")" + hint, "sql", e);
        }
    }

    private static QueryResult read(Statement s, CheckedQuery q, int maxRows, int timeout, long maxBytes)
            throws SQLException {
        boolean select = q.verb().equals("SELECT");
        String sql = select ? "SET STATEMENT max_statement_time=" + timeout + ", sql_select_limit=" + (maxRows + 1)
                + " FOR " + q.sql() : q.sql();
        s.execute("START TRANSACTION READ ONLY");
        List<QueryResult.Column> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        boolean cut = false;
        try {
            // Stream: the driver holds one row at a time instead of the whole result.
            s.setFetchSize(1);
            if (s.execute(sql)) {
                ResultSet rs = s.getResultSet();
                try {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    for (int i = 1; i <= n; i++) {
                        columns.add(new QueryResult.Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
                    }
                    ResultCells cells = new ResultCells(md, maxBytes);
                    boolean grants = q.verb().equals("SHOW GRANTS");
                    while (rs.next()) {
                        if (rows.size() == maxRows) {
                            truncated = true;
                            break;
                        }
                        List<Object> row = cells.row(rs);
                        if (row == null) {
                            truncated = true;
                            cut = true;
                            // The rest of a large result is not worth reading: stop the server.
                            s.cancel();
                            break;
                        }
                        if (grants) {
                            row.replaceAll(v -> v instanceof String g ? withoutPasswordHash(g) : v);
                        }
                        rows.add(row);
                    }
                } finally {
                    close(rs, cut);
                }
            }
        } finally {
            rollback(s, cut);
        }
        String message = null;
        if (cut) {
            message = "showing the first " + rows.size() + " rows: the answer reached its size limit of "
                    + maxBytes + " bytes (setting query.max.bytes); select fewer or shorter columns, or add a WHERE"
                    + " or LIMIT";
        } else if (truncated) {
            message = "showing the first " + maxRows + " rows; the query returns more: add a WHERE or"
                    + " LIMIT, or raise max_rows (at most " + QueryWindow.MAX_ROWS + ")";
        }
        return new QueryResult(q.verb(), columns, rows, rows.size(), maxRows, null, truncated, message, 0, null, null);
    }

    /** Closes a result; after a cut the server ends it with "interrupted", which is expected. */
    private static void close(ResultSet rs, boolean cut) throws SQLException {
        try {
            rs.close();
        } catch (SQLException e) {
            if (!cut) {
                throw e;
            }
        }
    }

    private static void rollback(Statement s, boolean cut) throws SQLException {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // After a cut the connection may still carry the interrupt; it is discarded anyway.
            if (!cut) {
                throw e;
            }
        }
    }

    private static QueryResult write(Statement s, CheckedQuery q, int timeout) throws SQLException {
        int n = s.executeUpdate("SET STATEMENT max_statement_time=" + timeout + " FOR " + q.sql());
        return new QueryResult(q.verb(), List.of(), List.of(), 0, null, (long) n, false, null, 0, null, null);
    }

    /**
     * A line of SHOW GRANTS without the account's password hash: every quoted literal after
     * IDENTIFIED (BY PASSWORD '*...', VIA plugin USING '...') is replaced.
     */
    static String withoutPasswordHash(String grant) {
        int at = grant.indexOf(" IDENTIFIED ");
        if (at < 0) {
            return grant;
        }
        return grant.substring(0, at) + QUOTED.matcher(grant.substring(at))
                .replaceAll(Matcher.quoteReplacement("'<password hash hidden>'"));
    }

    private static CuspException timedOut(int seconds, Exception e) {
        return new CuspException(ErrorCode.INVALID_INPUT, "the query ran longer than " + seconds
                + " s and was stopped (max_statement_time); narrow it with WHERE or LIMIT", "sql", e);
    }
}
