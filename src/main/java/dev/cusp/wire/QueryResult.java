package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The answer of the query window: a read's columns and rows (each row a list of cells, in
 * column order), or a write's affected rows; where the statement was logged.
 *
 * @param statement    the statement's verb (SELECT, SHOW GRANTS, CREATE TABLE, ...)
 * @param maxRows      the row limit a read ran with; absent for a write
 * @param affectedRows rows a write changed; absent for a read
 * @param truncated    whether a read returned more rows or bytes than it shows
 * @param message      why the rows stop where they do, when truncated
 * @param note         about scratch tables at a report replica, when the statement made or dropped one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record QueryResult(String statement, List<Column> columns, List<List<Object>> rows, int rowCount,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxRows,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long affectedRows, boolean truncated,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String message, long elapsedMs, String loggedTo,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
    /** A result column: its label and the database's type name. */
    public record Column(String name, String type) {
    }

    public QueryResult took(long ms) {
        return new QueryResult(statement, columns, rows, rowCount, maxRows, affectedRows, truncated, message, ms,
                loggedTo, note);
    }

    public QueryResult loggedTo(String where) {
        return new QueryResult(statement, columns, rows, rowCount, maxRows, affectedRows, truncated, message, elapsedMs,
                where, note);
    }

    public QueryResult noted(String text) {
        return new QueryResult(statement, columns, rows, rowCount, maxRows, affectedRows, truncated, message, elapsedMs,
                loggedTo, text);
    }
}
