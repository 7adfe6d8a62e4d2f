package dev.cusp.backup;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backed-up practice's own database name, in the code it wrote, made to name the database the
 * code is made in again. A routine, event or trigger body keeps its text as the practice wrote
 * it: {@code SELECT COUNT(*) FROM od_acme_12.patient} names {@code od_acme_12} after a restore
 * {@code --as} (another database) and, in a drill's scratch copy or a restore's staging
 * database, the live practice.
 *
 * <p>Only whole identifiers are rewritten: an unquoted word or a quoted one ({@code `od_acme_12`},
 * or {@code "od_acme_12"} under {@code ANSI_QUOTES}) equal to the old name, not the part after a
 * dot (a table or column), not a {@code @variable}. A longer name that starts with the same text
 * ({@code od_acme_123}, another practice) is left as it is, and so are string literals and
 * comments. The only name the rewrite ever writes is the database the object is made in: it can
 * take a reference away from a database, never point one at another.
 */
public final class DatabaseRename {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String PART = "(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)";
    /** A trigger's statement up to its body, as {@code SHOW CREATE TRIGGER} prints the practice's text. */
    private static final Pattern TRIGGER_HEAD = Pattern.compile("(?is)CREATE\\s+DEFINER=\\S+?\\s+TRIGGER\\s+"
            + PART + "(?:\\s*\\.\\s*" + PART + ")?\\s+(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+" + PART
            + "(?:\\s*\\.\\s*" + PART + ")?\\s+FOR\\s+EACH\\s+ROW\\b");

    private DatabaseRename() {
    }

    /**
     * {@code sql} with every whole-identifier reference to database {@code from} naming {@code to}.
     *
     * @param sqlMode the sql_mode the code was made under ({@code ANSI_QUOTES}: "x" is a name;
     *                {@code NO_BACKSLASH_ESCAPES}: a backslash ends no string); null for none
     */
    public static String rename(String sql, String from, String to, String sqlMode) {
        if (sql == null || from == null || from.isEmpty() || from.equals(to)) {
            return sql;
        }
        String bare = PLAIN.matcher(to).matches() ? to : quote(to, '`');
        return rewrite(sql, from, sqlMode, false, bare, quote(to, '`'), quote(to, '"'));
    }

    /**
     * A trigger's recorded statement made for database {@code to}: its head (up to {@code FOR
     * EACH ROW}) loses the qualifier {@code from.} before the trigger's and the table's names
     * (MariaDB prints the head as the practice wrote it), and its body is {@link #rename renamed}.
     * A head naming another database keeps it (and is refused by the shape checks after). A
     * statement whose head is not a trigger's is returned as it is.
     */
    public static String trigger(String create, String from, String to, String sqlMode) {
        if (create == null || from == null || from.isEmpty()) {
            return create;
        }
        Matcher m = TRIGGER_HEAD.matcher(create);
        if (!m.lookingAt()) {
            return create;
        }
        String head = rewrite(create.substring(0, m.end()), from, sqlMode, true, null, null, null);
        return head + rename(create.substring(m.end()), from, to, sqlMode);
    }

    /**
     * Walks {@code sql} token by token. With {@code dropQualifier}, an identifier equal to
     * {@code from} that is followed by a dot is removed with its dot; otherwise it is replaced.
     */
    private static String rewrite(String sql, String from, String sqlMode, boolean dropQualifier, String bare,
                                  String backquoted, String doubleQuoted) {
        String mode = sqlMode == null ? "" : sqlMode.toUpperCase(Locale.ROOT);
        boolean ansiQuotes = mode.contains("ANSI_QUOTES");
        boolean backslash = !mode.contains("NO_BACKSLASH_ESCAPES");
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        char last = ' '; // the last character outside whitespace and comments
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || (c == '"' && !ansiQuotes)) {
                int end = stringEnd(sql, i, c, backslash);
                out.append(sql, i, end);
                last = c;
                i = end;
            } else if (c == '`' || c == '"') {
                int end = quotedEnd(sql, i, c);
                String name = sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("" + c + c, "" + c);
                String replaced = end > i + 1 && sql.charAt(end - 1) == c
                        ? replacement(sql, end, name, from, last, dropQualifier, c == '`' ? backquoted : doubleQuoted)
                        : null;
                i = emit(out, sql, i, end, replaced, dropQualifier);
                last = c;
            } else if (c == '#' || (c == '-' && sql.startsWith("--", i)
                    && (i + 2 == n || Character.isWhitespace(sql.charAt(i + 2))))) {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                if (sql.startsWith("/*!", i) || sql.startsWith("/*M!", i)) {
                    // Code MariaDB runs: its opener (and version) is copied, its text is read as code.
                    int j = i + (sql.charAt(i + 2) == '!' ? 3 : 4);
                    while (j < n && Character.isDigit(sql.charAt(j))) {
                        j++;
                    }
                    out.append(sql, i, j);
                    i = j;
                } else {
                    int end = sql.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    out.append(sql, i, end);
                    i = end;
                }
            } else if (identifierChar(c)) {
                int end = i;
                while (end < n && identifierChar(sql.charAt(end))) {
                    end++;
                }
                String replaced = replacement(sql, end, sql.substring(i, end), from, last, dropQualifier, bare);
                i = emit(out, sql, i, end, replaced, dropQualifier);
                last = 'a';
            } else {
                out.append(c);
                if (!Character.isWhitespace(c)) {
                    last = c;
                }
                i++;
            }
        }
        return out.toString();
    }

    /** What replaces the identifier {@code name} ending at {@code end}, or null to keep it. */
    private static String replacement(String sql, int end, String name, String from, char last,
                                      boolean dropQualifier, String to) {
        if (!name.equalsIgnoreCase(from) || last == '.' || last == '@') {
            return null;
        }
        if (dropQualifier) {
            return dotAfter(sql, end) >= 0 ? "" : null;
        }
        return to;
    }

    /** Appends the token {@code [start, end)} or its replacement; returns where reading goes on. */
    private static int emit(StringBuilder out, String sql, int start, int end, String replaced, boolean dropQualifier) {
        if (replaced == null) {
            out.append(sql, start, end);
            return end;
        }
        if (dropQualifier) {
            return dotAfter(sql, end) + 1; // the qualifier and its dot go; the name after stays
        }
        out.append(replaced);
        return end;
    }

    /** The index of the dot that follows {@code at} after whitespace, or -1. */
    private static int dotAfter(String sql, int at) {
        int j = at;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '.' ? j : -1;
    }

    private static int stringEnd(String sql, int start, char q, boolean backslash) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int quotedEnd(String sql, int start, char q) {
        return stringEnd(sql, start, q, false);
    }

    private static boolean identifierChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c >= 0x80;
    }

    private static String quote(String name, char q) {
        return q + name.replace("" + q, "" + q + q) + q;
    }
}
