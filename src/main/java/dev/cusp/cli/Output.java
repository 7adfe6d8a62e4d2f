package dev.cusp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.wire.Alert;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.SeedSummary;
import dev.cusp.wire.SiteView;
import dev.cusp.wire.TenantView;
import java.io.PrintWriter;
import java.util.List;

/** Printing helpers shared by the commands. */
final class Output {
    private Output() {
    }

    static void json(PrintWriter out, JsonNode n) {
        try {
            out.println(JsonMapping.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void tenantTable(PrintWriter out, List<TenantView> tenants) {
        if (tenants.isEmpty()) {
            return;
        }
        out.printf("  %-20s %10s %-8s %10s %-10s%n", "NAME", "ID", "SCHEMA", "SIZE", "STATUS");
        for (TenantView t : tenants) {
            out.printf("  %-20s %10d %-8s %10s %-10s%n", t.name(), t.id(), t.schemaVersion(),
                    size(t.sizeBytes() == null ? 0 : t.sizeBytes()), t.status());
        }
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " KiB";
        }
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** One line about a finished seed (join, re-seed) of {@code site} from {@code source}. */
    static void seed(PrintWriter out, String what, String site, String source, SeedSummary seed) {
        out.printf("%s %s from %s: %,d rows, %s in %.1f s, at GTID %s.%n", site, what, source, seed.rows(),
                size(seed.bytes()), seed.seconds(), seed.gtidPosition());
    }

    /** A value of an answer as compact JSON, as it came (a list of databases, a map of backups). */
    static String compact(Object value) {
        try {
            return JsonMapping.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The replication group: each site, its role, and each of its links. */
    static void group(PrintWriter out, GroupView g) {
        if (g.topology() == null) {
            out.println("Replication: standalone (not in a group; 'cusp invite' starts one)");
            return;
        }
        out.printf("Replication group: %s, %d site(s), at most %d writers%n", g.topology(), g.sites().size(),
                g.capacity());
        if (g.updateSite() != null) {
            out.printf("  update site: %s ('cusp update' runs there)%n", g.updateSite());
        }
        for (SiteView s : g.sites()) {
            String role = s.role() + (s.keyOffset() == null ? "" : " keys " + s.keyOffset() + "/" + g.capacity())
                    + (s.upstream() == null ? "" : " of " + s.upstream());
            out.printf("  %-14s %-22s %-8s %s%s%n", s.name(), role, s.state(), s.url(), s.reachable() ? ""
                    : "  UNREACHABLE: " + s.error());
            if (s.reachable()) {
                String pos = s.gtidCurrentPos() == null ? "" : s.gtidCurrentPos();
                out.printf("      Cusp %s  gtid %s%n", s.version() == null ? "?" : s.version(),
                        pos.isEmpty() ? "(empty)" : pos);
            }
            if (s.clockOffsetSeconds() != null) {
                out.printf("      clock %+.1f s against this site's%n", s.clockOffsetSeconds());
            }
            if (s.versionHolds() != null) {
                s.versionHolds().forEach((site, v) -> out.printf("      VERSION HOLD <- %s: %s%n", site, v));
            }
            if (s.fenced() != null) {
                out.printf("      FENCED: %s%n", s.fenced());
            }
            if (s.deletionGuard() != null) {
                out.printf("      deletion guard: %s%n", s.deletionGuard());
            }
            for (Alert a : s.alerts() == null ? List.<Alert>of() : s.alerts()) {
                out.printf("      ALERT since %s: [%s] %s%n        fix: %s%n", a.since(),
                        a.code() == null ? "?" : a.code(), a.message(), a.fix());
            }
            for (SiteView.Link l : s.links() == null ? List.<SiteView.Link>of() : s.links()) {
                out.printf("      <- %-12s %-12s%s receiver %-7s applier %-7s lag %s s, %s transactions%s%n",
                        l.channel(), l.state() == null ? "?" : l.state(), l.code() != null ? " " + l.code() : "",
                        l.receiver(), l.applier(), l.secondsBehind() == null ? "?" : l.secondsBehind(),
                        l.transactionsBehind() == null ? "?" : l.transactionsBehind(),
                        l.lastError() == null ? "" : "  error " + l.lastErrno() + ": " + l.lastError());
                if (l.fix() != null) {
                    out.printf("         %s%n         fix: %s%n", l.explanation(), l.fix());
                }
            }
        }
    }
}
