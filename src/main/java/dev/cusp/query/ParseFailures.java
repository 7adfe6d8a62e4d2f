package dev.cusp.query;

import java.util.Locale;
import java.util.Map;

/**
 * Messages for statements the query window refuses. The decision is always the parser's (what
 * it cannot parse does not run); this class only words the answer, naming the statement when
 * its first word says what it is.
 */
final class ParseFailures {
    private static final String ACCEPTED = "the query window runs one SELECT (with joins, subqueries, WITH and"
            + " UNION), SHOW TABLES, DESCRIBE or SHOW GRANTS; and at a report replica CREATE/DROP TABLE, INSERT,"
            + " UPDATE and DELETE on the practice's scratch database";
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("LOAD", "LOAD DATA/LOAD XML reads files of the server"),
            Map.entry("HANDLER", "HANDLER opens low-level table cursors that outlive the query"),
            Map.entry("LOCK", "LOCK TABLES holds locks beyond the query"),
            Map.entry("UNLOCK", "UNLOCK TABLES belongs to LOCK TABLES, which is refused"),
            Map.entry("GRANT", "GRANT changes privileges"),
            Map.entry("REVOKE", "REVOKE changes privileges"),
            Map.entry("PREPARE", "PREPARE/EXECUTE runs SQL built at run time, which cannot be checked"),
            Map.entry("EXECUTE", "PREPARE/EXECUTE runs SQL built at run time, which cannot be checked"),
            Map.entry("DEALLOCATE", "prepared statements are not available"),
            Map.entry("CALL", "CALL runs stored code the query window cannot check"),
            Map.entry("SET", "SET changes session or server settings or variables"),
            Map.entry("FLUSH", "FLUSH is an administrator's statement"),
            Map.entry("KILL", "KILL is an administrator's statement"),
            Map.entry("SHUTDOWN", "SHUTDOWN is an administrator's statement"),
            Map.entry("INSTALL", "plugins are an administrator's business"),
            Map.entry("UNINSTALL", "plugins are an administrator's business"),
            Map.entry("BINLOG", "binary log statements are an administrator's business"),
            Map.entry("PURGE", "binary log statements are an administrator's business"),
            Map.entry("CHANGE", "replication statements are an administrator's business"),
            Map.entry("START", "transactions and replication are managed by Cusp"),
            Map.entry("STOP", "replication is managed by Cusp"),
            Map.entry("BEGIN", "transactions are managed by Cusp: each query runs on its own"),
            Map.entry("COMMIT", "transactions are managed by Cusp: each query runs on its own"),
            Map.entry("ROLLBACK", "transactions are managed by Cusp: each query runs on its own"),
            Map.entry("XA", "transactions are managed by Cusp: each query runs on its own"),
            Map.entry("USE", "the query window always runs in the practice's own database"),
            Map.entry("RENAME", "RENAME changes tables or users"),
            Map.entry("ALTER", "ALTER changes the schema or accounts"),
            Map.entry("TRUNCATE", "TRUNCATE empties tables"),
            Map.entry("REPLACE", "REPLACE writes rows"),
            Map.entry("ANALYZE", "table maintenance is done by Cusp"),
            Map.entry("OPTIMIZE", "table maintenance is done by Cusp"),
            Map.entry("REPAIR", "table maintenance is done by Cusp"),
            Map.entry("CHECK", "table maintenance is done by Cusp"),
            Map.entry("BACKUP", "backups are made with cusp tenant backup"));

    private ParseFailures() {
    }

    /** Why a statement the parser could not read is refused. */
    static String reason(String sql, Exception e) {
        String first = firstWord(sql);
        if (first.equals("SHOW") && sql.toUpperCase(Locale.ROOT).matches("(?s)\\s*SHOW\\s+GRANTS\\s+FOR\\b.*")) {
            return "SHOW GRANTS FOR another account is not allowed; SHOW GRANTS shows the practice's own";
        }
        String named = NAMED.get(first);
        if (named != null) {
            return first + " is not allowed in the query window: " + named;
        }
        if (sql.indexOf('@') >= 0) {
            return "the statement could not be checked; note that variables (@x, @@x) are not allowed in the query"
                    + " window, and neither is SELECT ... INTO @x";
        }
        String msg = String.valueOf(e.getMessage());
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null) {
            msg = c.getMessage();
        }
        msg = msg.lines().findFirst().orElse("").replaceFirst("^net\\.sf\\.jsqlparser\\.parser\\.\\w+: ", "");
        if (sql.indexOf('\\') >= 0) {
            return "the statement could not be parsed (" + msg + "); a backslash is an ordinary character in the query"
                    + " window, not an escape: write a quote inside a string as two quotes ('O''Brien')";
        }
        return "the statement could not be parsed (" + msg + "); " + ACCEPTED;
    }

    /** Why a statement the parser read is refused. */
    static String refusedStatement(String verb, boolean unsupported) {
        String first = verb.split(" ")[0];
        if (verb.equals("SHOW GRANTS")) {
            return "SHOW GRANTS FOR another account is not allowed; SHOW GRANTS shows the practice's own";
        }
        if (verb.equals("CREATE USER") || verb.equals("DROP USER") || verb.equals("ALTER USER")) {
            return verb + " is not allowed in the query window: accounts are managed by Cusp";
        }
        String named = NAMED.get(first);
        if (named != null) {
            return verb + " is not allowed in the query window: " + named;
        }
        return verb + " is not allowed in the query window" + (unsupported ? " (it could not be checked)" : "")
                + "; " + ACCEPTED;
    }

    private static String firstWord(String sql) {
        String s = sql.strip();
        while (s.startsWith("(")) {
            s = s.substring(1).strip();
        }
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end).toUpperCase(Locale.ROOT);
    }
}
