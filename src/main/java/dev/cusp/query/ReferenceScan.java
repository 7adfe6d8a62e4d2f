package dev.cusp.query;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Walks a whole parse tree (every subquery, CTE, join, UNION branch and expression, using
 * JSqlParser's own {@link TablesNamesFinder} traversal) and refuses what a report must not do:
 * names in other databases, {@code INTO} (outfile, dumpfile, variables, tables), variables,
 * locking reads, and functions that wait, lock, read files or write sequences.
 */
final class ReferenceScan extends TablesNamesFinder<Void> {
    /**
     * information_schema views a practice may read: MariaDB shows in them only the objects the
     * practice's own database user has privileges on, i.e. its own databases.
     */
    private static final Set<String> INFORMATION_SCHEMA = Set.of("TABLES", "COLUMNS", "VIEWS", "ROUTINES",
            "STATISTICS", "KEY_COLUMN_USAGE", "TABLE_CONSTRAINTS", "SCHEMATA", "PARTITIONS", "TRIGGERS",
            "PARAMETERS", "CHECK_CONSTRAINTS", "REFERENTIAL_CONSTRAINTS");
    private static final Map<String, String> REFUSED_FUNCTIONS = Map.ofEntries(
            Map.entry("SLEEP", "SLEEP() only holds a connection"),
            Map.entry("BENCHMARK", "BENCHMARK() only burns the server's CPU"),
            Map.entry("GET_LOCK", "GET_LOCK() takes a named lock that outlives the query"),
            Map.entry("RELEASE_LOCK", "named locks are not for reports"),
            Map.entry("RELEASE_ALL_LOCKS", "named locks are not for reports"),
            Map.entry("IS_FREE_LOCK", "named locks are not for reports"),
            Map.entry("IS_USED_LOCK", "named locks are not for reports"),
            Map.entry("LOAD_FILE", "LOAD_FILE() reads files of the server"),
            Map.entry("MASTER_POS_WAIT", "it waits on replication"),
            Map.entry("MASTER_GTID_WAIT", "it waits on replication"),
            Map.entry("SOURCE_POS_WAIT", "it waits on replication"),
            Map.entry("BINLOG_GTID_POS", "it reads the server's binary log"),
            Map.entry("NEXTVAL", "it writes a sequence"),
            Map.entry("SETVAL", "it writes a sequence"),
            Map.entry("LASTVAL", "sequences are not for reports"),
            Map.entry("SYS_EVAL", "it runs programs on the server"),
            Map.entry("SYS_EXEC", "it runs programs on the server"));

    private final String own;
    private final String scratch;
    private boolean read;
    private boolean namesScratch;

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

    private static String unquote(String name) {
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("`") && n.endsWith("`")) {
            n = n.substring(1, n.length() - 1).replace("``", "`");
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
        if (c.getTable() != null) {
            table(c.getTable(), read);
        }
        return super.visit(c, context);
    }

    @Override
    public <S> Void visit(Function f, S context) {
        List<String> parts = f.getMultipartName();
        String name = parts == null || parts.isEmpty() ? String.valueOf(f.getName()) : parts.get(parts.size() - 1);
        String why = REFUSED_FUNCTIONS.get(unquote(name).toUpperCase(Locale.ROOT));
        if (why != null) {
            throw QueryChecker.refuse(unquote(name).toUpperCase(Locale.ROOT) + "() is not allowed in the query"
                    + " window: " + why);
        }
        if (parts != null && parts.size() == 2) {
            schema(parts.get(0), String.join(".", parts) + "()", false);
        } else if (parts != null && parts.size() > 2) {
            throw QueryChecker.refuse(String.join(".", parts) + "(): names with three parts are not allowed");
        }
        return super.visit(f, context);
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
        if (ps.getForMode() != null || ps.getForUpdateTable() != null) {
            throw QueryChecker.refuse("SELECT ... " + (ps.getForMode() == null ? "FOR UPDATE"
                    : ps.getForMode().getValue()) + " locks rows; the query window only reads");
        }
        return super.visit(ps, context);
    }
}
