package dev.cusp.cli;

import dev.cusp.wire.CheckDifference;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.LeftOut;
import dev.cusp.wire.RowDifference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a check's report (from {@code cusp check}, and before/after a {@code cusp repair}). */
final class CheckReports {
    /** The exit code when a check finds differences (or a repair leaves some): not an error, a finding. */
    static final int DIFFERENCES = 9;
    private static final int ROWS_SHOWN = 20;

    private CheckReports() {
    }

    static void print(PrintWriter out, CheckReport r) {
        out.printf("Checked %d table(s) of %d tenant(s) at %s: %,d chunks, %,d rows in %.1f s (%,d rows/s).%n",
                r.tables(), r.tenants().size(), String.join(", ", r.sitesChecked()), r.chunks(), r.rows(),
                r.seconds(), r.rowsPerSecond());
        for (LeftOut s : r.sitesSkipped()) {
            out.printf("Left out: site %s (%s)%n", s.site(), s.reason());
        }
        if (r.clean()) {
            out.println("Clean: every table is the same at every site checked.");
            return;
        }
        out.printf("%d differing row(s):%n", r.differingRows());
        for (CheckDifference d : r.differences()) {
            out.printf("  %s.%s, %s %s..%s%s%n", d.database(), d.table(), d.key() == null ? "whole table" : d.key(),
                    d.lo() == null ? "start" : d.lo(), d.hi() == null ? "end" : d.hi(),
                    d.note() == null ? "" : " (" + d.note() + ")");
            int shown = 0;
            for (RowDifference row : d.rows()) {
                if (shown++ == ROWS_SHOWN) {
                    out.printf("    ... and %d more (--json lists all)%n", d.rows().size() - ROWS_SHOWN);
                    break;
                }
                List<String> at = new ArrayList<>();
                row.differsAt().forEach(s -> at.add(s + (RowDifference.MISSING.equals(row.crc().get(s))
                        ? " (missing)" : "")));
                out.printf("    %s = %d differs at %s%n", d.key(), row.key(), String.join(", ", at));
            }
        }
    }
}
