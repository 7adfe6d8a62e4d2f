package dev.cusp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
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

    /** One line about a finished seed (join, re-seed). */
    static void seed(PrintWriter out, String what, JsonNode result) {
        JsonNode seed = result.path("seed");
        out.printf("%s %s from %s: %,d rows, %s in %.1f s, at GTID %s.%n", result.path("site").asText(), what,
                result.path("source").asText(), seed.path("rows").asLong(), size(seed.path("bytes").asLong()),
                seed.path("seconds").asDouble(), seed.path("gtid_position").asText());
    }

    /** The replication group: each site, its role, and each of its links. */
    static void group(PrintWriter out, JsonNode g) {
        if (!g.has("topology")) {
            out.println("Replication: standalone (not in a group; 'cusp invite' starts one)");
            return;
        }
        out.printf("Replication group: %s, %d site(s), at most %d writers%n", g.path("topology").asText(),
                g.path("sites").size(), g.path("capacity").asInt());
        if (g.hasNonNull("update_site")) {
            out.printf("  update site: %s ('cusp update' runs there)%n", g.path("update_site").asText());
        }
        for (JsonNode s : g.path("sites")) {
            String role = s.path("role").asText() + (s.path("key_offset").isNull() ? ""
                    : " keys " + s.path("key_offset").asText() + "/" + g.path("capacity").asText())
                    + (s.path("upstream").isNull() ? "" : " of " + s.path("upstream").asText());
            out.printf("  %-14s %-22s %-8s %s%s%n", s.path("name").asText(), role, s.path("state").asText(),
                    s.path("url").asText(), s.path("reachable").asBoolean() ? "" : "  UNREACHABLE: "
                            + s.path("error").asText());
            if (s.path("reachable").asBoolean()) {
                out.printf("      Cusp %s  gtid %s%n", s.path("version").asText("?"),
                        s.path("gtid_current_pos").asText().isEmpty() ? "(empty)" : s.path("gtid_current_pos").asText());
            }
            if (s.path("clock_offset_seconds").isNumber()) {
                out.printf("      clock %+.1f s against this site's%n", s.path("clock_offset_seconds").asDouble());
            }
            s.path("version_holds").fields().forEachRemaining(h -> out.printf("      VERSION HOLD <- %s: %s%n",
                    h.getKey(), h.getValue().asText()));
            if (!s.path("fenced").isNull() && !s.path("fenced").isMissingNode()) {
                out.printf("      FENCED: %s%n", s.path("fenced").asText());
            }
            if (!s.path("deletion_guard").isNull() && !s.path("deletion_guard").isMissingNode()) {
                out.printf("      deletion guard: %s%n", s.path("deletion_guard").asText());
            }
            for (JsonNode a : s.path("alerts")) {
                out.printf("      ALERT since %s: [%s] %s%n        fix: %s%n", a.path("since").asText(),
                        a.path("code").asText("?"), a.path("message").asText(), a.path("fix").asText());
            }
            for (JsonNode l : s.path("links")) {
                out.printf("      <- %-12s %-12s%s receiver %-7s applier %-7s lag %s s, %s transactions%s%n",
                        l.path("channel").asText(), l.path("state").asText("?"), l.path("code").isTextual()
                                ? " " + l.path("code").asText() : "", l.path("receiver").asText(),
                        l.path("applier").asText(),
                        l.path("seconds_behind").isNull() ? "?" : l.path("seconds_behind").asText(),
                        l.path("transactions_behind").isNull() ? "?" : l.path("transactions_behind").asText(),
                        l.path("last_error").isNull() ? "" : "  error " + l.path("last_errno").asText() + ": "
                                + l.path("last_error").asText());
                if (l.path("fix").isTextual()) {
                    out.printf("         %s%n         fix: %s%n", l.path("explanation").asText(), l.path("fix").asText());
                }
            }
        }
    }
}
