package dev.cusp.query;

import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.OracleHint;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Walks a whole parse tree (every subquery, CTE, join, UNION branch and expression, using
 * JSqlParser's own {@link TablesNamesFinder} traversal) and refuses what a report must not do:
 * names in other databases, {@code INTO} (outfile, dumpfile, variables, tables), variables,
 * locking reads, {@code PROCEDURE ANALYSE}, hints, any function not on the allow-list of
 * {@link ReportFunctions}, and anything that could return a password hash.
 */
final class ReferenceScan extends TablesNamesFinder<Void> {
    /**
     * information_schema views a practice may read: MariaDB shows in them only the objects the
     * practice's own database user has privileges on, i.e. its own databases.
     */
    private static final Set<String> INFORMATION_SCHEMA = Set.of("TABLES", "COLUMNS", "VIEWS", "ROUTINES",
            "STATISTICS", "KEY_COLUMN_USAGE", "TABLE_CONSTRAINTS", "SCHEMATA", "PARTITIONS", "TRIGGERS",
            "PARAMETERS", "CHECK_CONSTRAINTS", "REFERENTIAL_CONSTRAINTS");
    /**
     * Columns that hold password hashes: the practice users' own, and the JSON images of their rows
     * that the tombstone and conflict tables keep. No statement that names one of these tables may
     * name such a column (anywhere: a WHERE on it leaks it bit by bit) or use a * wildcard.
     */
    private static final Map<String, Set<String>> SECRET_COLUMNS = Map.of(
            "practice_user", Set.of("password_hash"),
            "row_tombstone", Set.of("image"),
            "conflict_log", Set.of("local_image", "incoming_image"));

    private final String own;
    private final String scratch;
    private boolean read;
    private boolean namesScratch;
    private final Set<String> tablesNamed = new HashSet<>();
    private final Set<String> columnsNamed = new HashSet<>();
    private String wildcard;
    /** The {@code *} of {@code COUNT(*)}: an argument, not a list of columns. */
    private final Set<Object> argumentStars = Collections.newSetFromMap(new IdentityHashMap<>());

    ReferenceScan(String own, String scratch) {
        this.own = own;
        this.scratch = scratch;
    }

    /** Visits every part of {@code st}; {@code read} allows information_schema. */
    void scan(Statement st, boolean read) {
        this.read = read;
        try {
            getTables(st);
        } catch (UnsupportedOperationException e) {
            throw QueryChecker.refuse("the statement uses SQL the query window cannot check ("
                    + e.getMessage() + ")");
        }
        refuseSecrets();
    }

    /** Refuses a statement that could return a password hash (see {@link #SECRET_COLUMNS}). */
    private void refuseSecrets() {
        SECRET_COLUMNS.forEach((table, columns) -> {
            if (!tablesNamed.contains(table)) {
                return;
            }
            for (String c : columns) {
                if (columnsNamed.contains(c)) {
                    throw QueryChecker.refuse(table + "." + c + " holds password hashes, which the query window never"
                            + " reads or returns (not in a WHERE either)");
                }
            }
            if (wildcard != null) {
                throw QueryChecker.refuse(wildcard + " with " + table + ": name the columns you need; its "
                        + String.join(", ", columns.stream().sorted().toList()) + " (password hashes) never leave the"
                        + " query window");
            }
        });
    }

    boolean namesScratch() {
        return namesScratch;
    }

    /** A table a write changes: it must be named in the scratch database. */
    void writeTarget(Table t, String verb) {
        if (t == null) {
            throw QueryChecker.refuse(verb + " needs a table of the scratch database " + scratch);
        }
        rejectThreePart(t);
        if (!scratch.equals(t.getUnquotedSchemaName())) {
            throw QueryChecker.refuse(verb + " may change only tables of the practice's scratch database: write "
                    + scratch + "." + t.getUnquotedName() + " (the practice's own tables are read-only here)");
        }
        namesScratch = true;
    }

    /** A table a read names. */
    void table(Table t, boolean information) {
        if (t == null) {
            return;
        }
        rejectThreePart(t);
        if (t.getName() != null) {
            tablesNamed.add(unquote(t.getName()).toLowerCase(Locale.ROOT));
        }
        String schema = t.getUnquotedSchemaName();
        if (schema == null || schema.isEmpty()) {
            return;
        }
        if (information && schema.equalsIgnoreCase("information_schema")
                && INFORMATION_SCHEMA.contains(String.valueOf(t.getUnquotedName()).toUpperCase(Locale.ROOT))) {
            return;
        }
        schema(schema, t.getFullyQualifiedName(), information);
    }

    /** A database a statement names; null means the practice's own (the connection's default). */
    void schema(String schema, String what, boolean information) {
        if (schema == null) {
            return;
        }
        String s = unquote(schema);
        if (s.equals(own)) {
            return;
        }
        if (s.equals(scratch)) {
            namesScratch = true;
            return;
        }
        if (s.equalsIgnoreCase("information_schema")) {
            throw QueryChecker.refuse(what + ": of information_schema the query window reads only "
                    + String.join(", ", INFORMATION_SCHEMA.stream().sorted().toList()));
        }
        throw QueryChecker.refuse(what + " is in another database (" + s + "); the query window reads only this"
                + " practice's database " + own + " and its scratch database " + scratch);
    }

    private static void rejectThreePart(Table t) {
        if (t.getDatabaseName() != null && !t.getDatabaseName().isEmpty()) {
            throw QueryChecker.refuse(t.getFullyQualifiedName() + ": names with three parts are not allowed");
        }
    }

    /** A name as the server reads it: backquotes and (ANSI_QUOTES) double quotes removed. */
    static String unquote(String name) {
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("`") && n.endsWith("`")) {
            n = n.substring(1, n.length() - 1).replace("``", "`");
        } else if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
            n = n.substring(1, n.length() - 1).replace("\"\"", "\"");
        }
        return n;
    }

    @Override
    public <S> Void visit(Table t, S context) {
        table(t, read);
        return super.visit(t, context);
    }

    @Override
    public <S> Void visit(Column c, S context) {
        if (c.getColumnName() != null) {
            columnsNamed.add(unquote(c.getColumnName()).toLowerCase(Locale.ROOT));
        }
        if (c.getTable() != null) {
            table(c.getTable(), read);
        }
        return super.visit(c, context);
    }

    @Override
    public <S> Void visit(Function f, S context) {
        List<String> parts = f.getMultipartName();
        if (parts != null && parts.size() > 1) {
            throw QueryChecker.refuse(String.join(".", parts) + "(): stored functions are not allowed in the query"
                    + " window; it runs MariaDB's built-in functions only");
        }
        String name = unquote(parts == null || parts.isEmpty() ? String.valueOf(f.getName()) : parts.get(0));
        String why = ReportFunctions.refusal(name);
        if (why != null) {
            throw QueryChecker.refuse(why);
        }
        if (f.getParameters() != null && f.getParameters().size() == 1
                && f.getParameters().get(0) instanceof AllColumns star) {
            argumentStars.add(star);
        }
        return super.visit(f, context);
    }

    @Override
    public <S> Void visit(AnalyticExpression a, S context) {
        String why = ReportFunctions.refusal(unquote(String.valueOf(a.getName())));
        if (why != null) {
            throw QueryChecker.refuse(why);
        }
        if (a.getExpression() instanceof AllColumns star) {
            argumentStars.add(star);
        }
        return super.visit(a, context);
    }

    @Override
    public <S> Void visit(AllColumns a, S context) {
        if (!argumentStars.contains(a)) {
            wildcard = "*";
        }
        return super.visit(a, context);
    }

    @Override
    public <S> Void visit(AllTableColumns a, S context) {
        wildcard = a.toString();
        return super.visit(a, context);
    }

    @Override
    public <S> Void visit(OracleHint h, S context) {
        throw QueryChecker.refuse("optimizer hints (/*+ ... */) are not allowed in the query window");
    }

    @Override
    public <S> Void visit(SetOperationList list, S context) {
        refuseSelectClauses(list);
        return super.visit(list, context);
    }

    @Override
    public <S> Void visit(ParenthesedSelect ps, S context) {
        refuseSelectClauses(ps);
        return super.visit(ps, context);
    }

    /** Clauses of any SELECT (plain, UNION, parenthesed) that make it more than a read of rows. */
    private static void refuseSelectClauses(Select s) {
        if (s.getMySqlProcedureAnalyse() != null) {
            throw QueryChecker.refuse("PROCEDURE ANALYSE is not allowed in the query window: it runs server code on"
                    + " the result");
        }
        if (s.getForMode() != null || s.getForUpdateTable() != null) {
            throw QueryChecker.refuse("SELECT ... " + (s.getForMode() == null ? "FOR UPDATE"
                    : s.getForMode().getValue()) + " locks rows; the query window only reads");
        }
    }

    @Override
    public <S> Void visit(UserVariable v, S context) {
        throw QueryChecker.refuse("variables (" + v + ") are not allowed in the query window: a report neither"
                + " reads nor sets user (@x) or system (@@x) variables");
    }

    @Override
    public <S> Void visit(NextValExpression n, S context) {
        throw QueryChecker.refuse("NEXT VALUE FOR writes a sequence; the query window only reads");
    }

    @Override
    public <S> Void visit(PlainSelect ps, S context) {
        if (ps.getIntoTables() != null && !ps.getIntoTables().isEmpty() || ps.getIntoTempTable() != null) {
            throw QueryChecker.refuse("SELECT ... INTO a table or variable is not allowed; use CREATE TABLE "
                    + scratch + ".name AS SELECT ... at a report replica");
        }
        if (ps.getMySqlSelectIntoClause() != null) {
            throw QueryChecker.refuse("SELECT ... INTO OUTFILE/DUMPFILE/@variable is not allowed: the query window"
                    + " returns rows, it never writes files or variables");
        }
        refuseSelectClauses(ps);
        return super.visit(ps, context);
    }
}
