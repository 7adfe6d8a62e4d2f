package dev.cusp.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.error.CuspException;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.select.PlainSelect;
import org.junit.jupiter.api.Test;

/**
 * The checker and the server read every statement alike. A generated corpus splices quotes
 * ({@code ' " `}), backslashes, comment starters ({@code # -- /* *}{@code /}), separators and
 * dangerous calls together; each statement the checker accepts is sent to a real node, in the
 * window's session mode, as the query window sends it. Half the corpus is generated from a small
 * grammar, half are the review's statements with pieces inserted at random places. The server's own account of what it runs
 * must hold no call the checker did not see: EXPLAIN EXTENDED's normalized statement (SHOW
 * WARNINGS) names no dangerous function (the server prints calls in lower case, the corpus writes
 * them in upper case, so one inside a string does not count), and the result has as many
 * columns as the checker's tree has select items. Deterministic: a fixed seed.
 */
class QueryLexicalCorpusIT {
    static final long SEED = 20261203L;
    static final int STATEMENTS = 4000;

    static final String[] QUOTES = {"'", "\"", "`"};
    /** What goes between quotes: pieces that shift where strings, names and comments end. */
    static final String[] INNER = {"a", "x", "\\", "a\\", "'", "\"", "`", "''", ", ", " # ", " -- ", "--", "/*",
        "*/", ";", "\n"};
    /** Calls the checker refuses; spliced in upper case. */
    static final String[] DANGER = {"SLEEP(0)", "BENCHMARK(1, 1)", "GET_LOCK('corpus', 0)", "IS_USED_LOCK('corpus')",
        "RELEASE_ALL_LOCKS()", "LOAD_FILE('/etc/hostname')", "(SELECT COUNT(*) FROM INFORMATION_SCHEMA.PROCESSLIST)",
        "(SELECT COUNT(*) FROM INFORMATION_SCHEMA.GLOBAL_VARIABLES)", "@@VERSION"};
    /** The same calls as the server prints them in a normalized statement. */
    static final String[] SERVER_NAMES = {"sleep(", "benchmark(", "get_lock(", "is_used_lock(", "release_all_locks(",
        "load_file(", "information_schema", "@@version"};
    /** The review's statements, always in the corpus. */
    static final String[] KNOWN = {
        "SELECT \"a\\\", 'x\", SLEEP(0) # ' FROM corpus",
        "SELECT \"a\\\", 'x\", (SELECT COUNT(*) FROM INFORMATION_SCHEMA.GLOBAL_VARIABLES) # ' FROM corpus",
        "SELECT 'x\\', SLEEP(0), '' FROM corpus",
        "SELECT `a\\`, 'x\\', GET_LOCK('corpus', 0), ' ' FROM corpus",
        "SELECT 1 --1, SLEEP(0)\n FROM corpus",
    };

    /**
     * One select list of 1 to 4 items, each a quoted piece (its closing quote now and then of
     * another kind, its inside spliced from {@link #INNER} and {@link #DANGER}), a dangerous call
     * or a column; now and then a comment before FROM.
     */
    static String generate(Random r) {
        StringBuilder sql = new StringBuilder("SELECT ");
        int items = 1 + r.nextInt(4);
        for (int i = 0; i < items; i++) {
            sql.append(i == 0 ? "" : ", ").append(item(r));
        }
        switch (r.nextInt(5)) {
            case 0 -> sql.append(" # ").append(item(r)).append('\n');
            case 1 -> sql.append(" -- ").append(item(r)).append('\n');
            case 2 -> sql.append(" /* ").append(item(r)).append(" */");
            default -> { }
        }
        return sql.append(" FROM corpus").toString();
    }

    /** A known statement with one or two pieces inserted at random places (before its FROM). */
    static String mutate(String known, Random r) {
        StringBuilder sql = new StringBuilder(known);
        int edits = 1 + r.nextInt(2);
        for (int i = 0; i < edits; i++) {
            int at = 7 + r.nextInt(sql.indexOf(" FROM corpus") - 7 + 1);
            int k = r.nextInt(6);
            sql.insert(at, k < 3 ? INNER[r.nextInt(INNER.length)] : k < 5 ? QUOTES[r.nextInt(QUOTES.length)]
                    : DANGER[r.nextInt(DANGER.length)]);
        }
        return sql.toString();
    }

    static String item(Random r) {
        int k = r.nextInt(8);
        if (k == 6) {
            return DANGER[r.nextInt(DANGER.length)];
        }
        if (k == 7) {
            return "a";
        }
        String open = QUOTES[r.nextInt(QUOTES.length)];
        String close = r.nextInt(4) == 0 ? QUOTES[r.nextInt(QUOTES.length)] : open;
        StringBuilder inner = new StringBuilder();
        int pieces = 1 + r.nextInt(3);
        for (int i = 0; i < pieces; i++) {
            inner.append(r.nextInt(4) == 0 ? DANGER[r.nextInt(DANGER.length)] : INNER[r.nextInt(INNER.length)]);
        }
        return open + inner + close;
    }

    @Test
    void whatTheCheckerAcceptsTheServerRunsWithTheSameTokens() throws Exception {
        TestSite site = TestSite.shared();
        TenantService.Created practice = site.newTenant("lex");
        // A column named a\ lets the review's statement run at all under the window's mode.
        TestSite.ClientResult made = site.mariadb(practice.tenant().dbUser(), practice.dbPassword(), "USE "
                + practice.tenant().dbName() + "; CREATE TABLE corpus (a INT, `a\\` INT, x INT, `1` INT);"
                + " INSERT INTO corpus VALUES (1, 2, 3, 4)");
        assertThat(made.exit()).as(made.output()).isZero();

        QueryChecker checker = new QueryChecker(practice.tenant().dbName(), false, null);
        List<String> corpus = new ArrayList<>(List.of(KNOWN));
        Random r = new Random(SEED);
        for (int i = 0; i < STATEMENTS; i++) {
            corpus.add(i % 2 == 0 ? generate(r) : mutate(KNOWN[r.nextInt(KNOWN.length)], r));
        }
        int accepted = 0;
        int explained = 0;
        int ran = 0;
        List<String> disagreements = new ArrayList<>();
        TenantPools pools = site.site.pools();
        try (TenantPools.Lease l = pools.lease(practice.tenant())) {
            l.discard();
            Connection c = l.connection();
            QueryRunner.prepare(c);
            for (String sql : corpus) {
                CheckedQuery q;
                try {
                    q = checker.check(sql);
                } catch (CuspException refused) {
                    continue;
                }
                accepted++;
                String normalized = explain(c, q.sql());
                if (normalized != null) {
                    explained++;
                    for (String name : SERVER_NAMES) {
                        if (normalized.contains(name)) {
                            disagreements.add(sql + "\n  ran as: " + q.sql() + "\n  server read: " + normalized);
                        }
                    }
                }
                Integer columns = columns(c, q.sql());
                if (columns != null) {
                    ran++;
                    int items = ((PlainSelect) CCJSqlParserUtil.parse(q.sql(), p -> p.withBackslashEscapeCharacter(false)
                            .withHashLineComments(true))).getSelectItems().size();
                    if (columns != items) {
                        disagreements.add(sql + "\n  ran as: " + q.sql() + "\n  checker: " + items + " columns, server: "
                                + columns);
                    }
                }
            }
        }
        assertThat(disagreements).as("statements the checker accepted and the server read otherwise").isEmpty();
        // Not a vacuous pass: the corpus reaches the server.
        assertThat(accepted).as("accepted").isGreaterThan(100);
        assertThat(explained).as("explained").isGreaterThan(50);
        assertThat(ran).as("ran").isGreaterThan(50);
        System.out.printf("corpus: %d statements, %d accepted, %d explained, %d ran%n", corpus.size(), accepted,
                explained, ran);
    }

    /** The server's normalized reading of {@code sql} (EXPLAIN EXTENDED, note 1003), or null if it refused it. */
    static String explain(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            try {
                s.execute("EXPLAIN EXTENDED " + sql);
            } catch (SQLException refused) {
                return null;
            }
            try (ResultSet w = s.executeQuery("SHOW WARNINGS")) {
                while (w.next()) {
                    if (w.getInt(2) == 1003) {
                        return w.getString(3);
                    }
                }
            }
            return "";
        }
    }

    /** How many columns the server's result has, or null if it refused the statement. */
    static Integer columns(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery("SET STATEMENT max_statement_time=5, sql_select_limit=1 FOR " + sql)) {
                return rs.getMetaData().getColumnCount();
            } catch (SQLException refused) {
                if (refused.getSQLState() != null && refused.getSQLState().startsWith("08")) {
                    throw refused;
                }
                return null;
            }
        }
    }
}
