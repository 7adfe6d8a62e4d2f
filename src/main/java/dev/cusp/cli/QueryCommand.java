package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.QueryRequest;
import dev.cusp.wire.QueryResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cusp query TENANT "SQL" --reason TEXT [--json] [--max-rows N]}: the query window from the
 * command line. The site admin reading a practice's data is break-glass: the reason goes to the
 * practice's security log (with the statement) and to the site log.
 */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Run one report statement (SELECT, SHOW"
        + " TABLES, DESCRIBE) in a practice's database, as the practice's own database user, and print the rows."
        + " This is a break-glass action: --reason is required and is written, with the statement, to the"
        + " practice's security log, and to the site log. The statement is checked first; see the README's Query"
        + " window section for the rules.")
public final class QueryCommand implements Callable<Integer> {
    /** Widest column printed in the table; longer values are cut. */
    private static final int MAX_WIDTH = 60;

    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;
    @Parameters(index = "1", paramLabel = "SQL")
    String sql;
    @Option(names = "--max-rows", paramLabel = "N", description = "Most rows returned, 1 to 10000 (default 1000).")
    Integer maxRows;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time limit, 1 to 300 s (default 30).")
    Integer timeout;
    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why you read this practice's"
            + " data (required; goes to the practice's security log and the site log).")
    String reason;
    @Option(names = "--json", description = "Print the answer as one JSON object.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode raw = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(tenant)
                + "/query", new QueryRequest(sql, reason, maxRows, timeout));
        QueryResult r = AdminClient.read(raw, QueryResult.class);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        if (r.affectedRows() != null) {
            out.printf("%s: %d rows affected (%d ms).%n", r.statement(), r.affectedRows(), r.elapsedMs());
        } else {
            table(out, r, raw.path("rows"));
            out.printf("(%d row%s, %d ms)%n", r.rowCount(), r.rowCount() == 1 ? "" : "s", r.elapsedMs());
        }
        if (r.truncated()) {
            out.println(r.message());
        }
        if (r.note() != null) {
            out.println(r.note());
        }
        return 0;
    }

    /** Columns as wide as their widest value (at most {@link #MAX_WIDTH}); numbers right-aligned. */
    static void table(PrintWriter out, QueryResult r, JsonNode cellRows) {
        List<String> names = r.columns().stream().map(QueryResult.Column::name).toList();
        if (names.isEmpty()) {
            return;
        }
        int[] width = new int[names.size()];
        boolean[] numeric = new boolean[names.size()];
        java.util.Arrays.fill(numeric, true);
        for (int i = 0; i < names.size(); i++) {
            width[i] = Math.min(MAX_WIDTH, names.get(i).length());
        }
        List<String[]> rows = new ArrayList<>();
        // The cells as JSON: a number stays right-aligned, text is shown as it is.
        for (JsonNode row : cellRows) {
            String[] cells = new String[names.size()];
            for (int i = 0; i < cells.length; i++) {
                JsonNode v = row.get(i);
                cells[i] = cell(v);
                numeric[i] &= v == null || v.isNull() || v.isNumber();
                width[i] = Math.max(width[i], cells[i].length());
            }
            rows.add(cells);
        }
        StringBuilder head = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            head.append(i == 0 ? "" : "  ").append(pad(cut(names.get(i)), width[i], numeric[i]));
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(head.toString().stripTrailing());
        out.println(rule);
        for (String[] cells : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                line.append(i == 0 ? "" : "  ").append(pad(cells[i], width[i], numeric[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isNull()) {
            return "NULL";
        }
        return cut(v.isTextual() ? v.asText().replace('\n', ' ').replace('\t', ' ') : v.toString());
    }

    private static String cut(String s) {
        return s.length() > MAX_WIDTH ? s.substring(0, MAX_WIDTH - 3) + "..." : s;
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
