package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a check's report (from {@code cusp check}, and before/after a {@code cusp repair}). */
final class CheckReport {
    /** The exit code when a check finds differences (or a repair leaves some): not an error, a finding. */
    static final int DIFFERENCES = 9;
    private static final int ROWS_SHOWN = 20;

    private CheckReport() {
    }

    static void print(PrintWriter out, JsonNode r) {
        out.printf("Checked %d table(s) of %d tenant(s) at %s: %,d chunks, %,d rows in %.1f s (%,d rows/s).%n",
                r.path("tables").asInt(), r.path("tenants").size(), join(r.path("sites_checked")),
                r.path("chunks").asLong(), r.path("rows").asLong(), r.path("seconds").asDouble(),
                r.path("rows_per_second").asLong());
        for (JsonNode s : r.path("sites_skipped")) {
            out.printf("Left out: site %s (%s)%n", s.path("site").asText(), s.path("reason").asText());
        }
        if (r.path("clean").asBoolean()) {
            out.println("Clean: every table is the same at every site checked.");
            return;
        }
        out.printf("%d differing row(s):%n", r.path("differing_rows").asLong());
        for (JsonNode d : r.path("differences")) {
            out.printf("  %s.%s, %s %s..%s%s%n", d.path("database").asText(), d.path("table").asText(),
                    d.path("key").isNull() ? "whole table" : d.path("key").asText(),
                    d.path("lo").isNull() ? "start" : d.path("lo").asText(),
                    d.path("hi").isNull() ? "end" : d.path("hi").asText(),
                    d.path("note").isNull() ? "" : " (" + d.path("note").asText() + ")");
            int shown = 0;
            for (JsonNode row : d.path("rows")) {
                if (shown++ == ROWS_SHOWN) {
                    out.printf("    ... and %d more (--json lists all)%n", d.path("rows").size() - ROWS_SHOWN);
                    break;
                }
                List<String> at = new ArrayList<>();
                row.path("differs_at").forEach(s -> at.add(s.asText() + ("missing".equals(row.path("crc")
                        .path(s.asText()).asText()) ? " (missing)" : "")));
                out.printf("    %s = %d differs at %s%n", d.path("key").asText(), row.path("key").asLong(),
                        String.join(", ", at));
            }
        }
    }

    private static String join(JsonNode names) {
        List<String> l = new ArrayList<>();
        names.forEach(n -> l.add(n.asText()));
        return String.join(", ", l);
    }
}
