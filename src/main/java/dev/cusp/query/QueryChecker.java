package dev.cusp.query;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Decides whether one query-window statement may run, from JSqlParser's parse tree, never from
 * patterns in the text. Everything not explicitly understood is refused with a 400 naming the
 * reason (field {@code sql}). What runs is the parser's own rendering of the statement, in a
 * session whose lexical rules match the parser's ({@link LexicalCheck}), so the server executes
 * exactly the tree that was checked.
 *
 * <p>The only look at the raw text is for MariaDB executable comments ({@code /*! ... *}{@code /},
 * {@code /*M! ... *}{@code /}): the server runs their content, a parser sees a comment.
 */
public final class QueryChecker {
    static final int MAX_LENGTH = 65_536;

    private final String own;
    private final String scratch;
    private final boolean replica;
    private final String replicaHint;

    /**
     * @param ownDatabase the practice's database, {@code od_<name>_<id>}
     * @param replica     true at a report replica, the only place scratch writes may run
     * @param replicaHint where a report replica is ("site r (https://...)"), or null
     */
    public QueryChecker(String ownDatabase, boolean replica, String replicaHint) {
        this.own = ownDatabase;
        this.scratch = scratchOf(ownDatabase);
        this.replica = replica;
        this.replicaHint = replicaHint;
    }

    /** The practice's scratch database name. */
    public static String scratchOf(String ownDatabase) {
        return ownDatabase + "_scratch";
    }

    public String scratch() {
        return scratch;
    }

    /**
     * Parses and checks {@code sql}; throws a 400 naming the reason when it may not run. The text
     * that runs is then checked to read the same to the server ({@link LexicalCheck}).
     */
    public CheckedQuery check(String sql) {
        CheckedQuery q = checkTree(sql);
        LexicalCheck.verify(q.sql());
        return q;
    }

    private CheckedQuery checkTree(String sql) {
        if (sql == null || sql.isBlank()) {
            throw refuse("sql is empty: give one SELECT statement");
        }
        if (sql.length() > MAX_LENGTH) {
            throw refuse("the statement is longer than " + MAX_LENGTH + " characters");
        }
        refuseExecutableComments(sql);
        Statements all;
        try {
            // The lexical rules of the window's session (LexicalCheck.SQL_MODE): a backslash is an
            // ordinary character, '#' starts a comment (the rendering that runs has none).
            all = CCJSqlParserUtil.parseStatements(sql, p -> p.withBackslashEscapeCharacter(false)
                    .withHashLineComments(true));
        } catch (JSQLParserException | RuntimeException e) {
            throw refuse(ParseFailures.reason(sql, e));
        }
        if (all == null || all.isEmpty()) {
            throw refuse("sql holds no statement: give one SELECT statement");
        }
        if (all.size() != 1) {
            throw refuse("one statement at a time: the text holds " + all.size() + " statements (each ';' outside"
                    + " a string or comment ends one)");
        }
        Statement st = all.get(0);
        ReferenceScan scan = new ReferenceScan(own, scratch);
        if (st instanceof Select s) {
            scan.scan(s, true);
            return new CheckedQuery(QueryKind.READ, "SELECT", st.toString(), scan.namesScratch());
        }
        if (st instanceof ShowTablesStatement show) {
            scan.schema(show.getDbName(), "SHOW TABLES FROM " + show.getDbName(), false);
            return new CheckedQuery(QueryKind.READ, "SHOW TABLES", st.toString(), scan.namesScratch());
        }
        if (st instanceof DescribeStatement d) {
            scan.table(d.getTable(), false);
            return new CheckedQuery(QueryKind.READ, "DESCRIBE", st.toString(), scan.namesScratch());
        }
        if (st instanceof ShowStatement show && "GRANTS".equalsIgnoreCase(show.getName().trim())) {
            return new CheckedQuery(QueryKind.READ, "SHOW GRANTS", "SHOW GRANTS", false);
        }
        if (!replica && (st instanceof CreateTable || st instanceof Drop d && "TABLE".equalsIgnoreCase(d.getType())
                || st instanceof Insert || st instanceof Update || st instanceof Delete)) {
            throw new CuspException(ErrorCode.CONFLICT, replicaOnlyMessage(verb(st), scratch, replicaHint), "sql");
        }
        if (st instanceof CreateTable ct) {
            scan.writeTarget(ct.getTable(), "CREATE TABLE");
            ScratchTables.checkOptions(ct);
            scan.scan(ct, true);
            return new CheckedQuery(QueryKind.SCRATCH_WRITE, "CREATE TABLE", ScratchTables.temporary(ct), true,
                    List.of(ct.getTable().getFullyQualifiedName()));
        }
        if (st instanceof Drop drop) {
            if (!"TABLE".equalsIgnoreCase(drop.getType())) {
                throw refuse("DROP " + drop.getType() + " is not allowed in the query window; only DROP TABLE of a"
                        + " scratch table");
            }
            for (Table t : drop.getNames()) {
                scan.writeTarget(t, "DROP TABLE");
            }
            return new CheckedQuery(QueryKind.SCRATCH_WRITE, "DROP TABLE", ScratchTables.dropTemporary(drop), true,
                    drop.getNames().stream().map(Table::getFullyQualifiedName).toList());
        }
        if (st instanceof Insert ins) {
            scan.writeTarget(ins.getTable(), "INSERT");
            scan.scan(ins, true);
            return new CheckedQuery(QueryKind.SCRATCH_WRITE, "INSERT", st.toString(), true);
        }
        if (st instanceof Update up) {
            if (up.getJoins() != null && !up.getJoins().isEmpty()
                    || up.getStartJoins() != null && !up.getStartJoins().isEmpty()) {
                throw refuse("only single-table UPDATE of a scratch table is allowed");
            }
            scan.writeTarget(up.getTable(), "UPDATE");
            scan.scan(up, true);
            return new CheckedQuery(QueryKind.SCRATCH_WRITE, "UPDATE", st.toString(), true);
        }
        if (st instanceof Delete del) {
            if (del.getTables() != null && !del.getTables().isEmpty() || del.getJoins() != null
                    && !del.getJoins().isEmpty() || del.getUsingFromItemList() != null
                    && !del.getUsingFromItemList().isEmpty()) {
                throw refuse("only single-table DELETE of a scratch table is allowed");
            }
            scan.writeTarget(del.getTable(), "DELETE");
            scan.scan(del, true);
            return new CheckedQuery(QueryKind.SCRATCH_WRITE, "DELETE", st.toString(), true);
        }
        throw refuse(ParseFailures.refusedStatement(verb(st), st instanceof UnsupportedStatement));
    }

    private static String verb(Statement st) {
        if (st instanceof CreateTable) {
            return "CREATE TABLE";
        }
        String[] w = st.toString().trim().split("\\s+");
        String v = w[0].toUpperCase(Locale.ROOT);
        if (w.length > 1 && Set.of("CREATE", "DROP", "ALTER", "SHOW", "LOAD", "LOCK", "RENAME").contains(v)) {
            v += " " + w[1].toUpperCase(Locale.ROOT);
        }
        return v;
    }

    /**
     * MariaDB runs the content of {@code /*!...*}{@code /} and {@code /*M!...*}{@code /} as SQL; a
     * parser skips it as a comment. Refused wherever it appears, even inside a string: the
     * check stays simple and no real report needs one.
     */
    private static void refuseExecutableComments(String sql) {
        for (int i = sql.indexOf("/*"); i >= 0; i = sql.indexOf("/*", i + 2)) {
            int j = i + 2;
            if (j < sql.length() && (sql.charAt(j) == '!' || (sql.charAt(j) == 'M' || sql.charAt(j) == 'm')
                    && j + 1 < sql.length() && sql.charAt(j + 1) == '!')) {
                throw refuse("MariaDB executable comments (/*! ... */, /*M! ... */) are refused: the server runs"
                        + " what they hide, so they cannot be checked");
            }
        }
    }

    static CuspException refuse(String reason) {
        return CuspException.invalid("sql", reason);
    }

    /** A scratch-only statement at a site that is not a report replica: what to tell the user. */
    static String replicaOnlyMessage(String verb, String scratch, String replicaHint) {
        return verb + " is allowed only on a report replica, in the practice's scratch database " + scratch
                + " (as a temporary table of your query session); this site is not a report replica"
                + (replicaHint == null ? " and its group has none: add one with 'cusp invite --role replica'"
                : ": use " + replicaHint);
    }
}
