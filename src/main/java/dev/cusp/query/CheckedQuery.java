package dev.cusp.query;

import java.util.List;

/**
 * A statement that passed the checks.
 *
 * @param kind      read or scratch write
 * @param verb      what it is, for the log and the answer ("SELECT", "CREATE TABLE", ...)
 * @param sql       the text to run: the parser's own rendering of the statement, so the server
 *                  runs exactly what was checked (comments, which MariaDB and the parser do not
 *                  read alike, are gone)
 * @param scratch   true when the statement names the scratch database
 * @param targets   the scratch tables a CREATE or DROP TABLE makes or removes, as written
 */
public record CheckedQuery(QueryKind kind, String verb, String sql, boolean scratch, List<String> targets) {
    CheckedQuery(QueryKind kind, String verb, String sql, boolean scratch) {
        this(kind, verb, sql, scratch, List.of());
    }
}
