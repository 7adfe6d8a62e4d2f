package dev.cusp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import java.io.PrintWriter;

/** Printing helpers shared by the commands. */
final class Output {
    private Output() {
    }

    static void json(PrintWriter out, JsonNode n) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void tenantTable(PrintWriter out, JsonNode tenants) {
        if (tenants.isEmpty()) {
            return;
        }
        out.printf("  %-20s %10s %-8s %10s %-10s%n", "NAME", "ID", "SCHEMA", "SIZE", "STATUS");
        for (JsonNode t : tenants) {
            out.printf("  %-20s %10d %-8s %10s %-10s%n", t.path("name").asText(), t.path("id").asInt(),
                    t.path("schema_version").asText(), size(t.path("size_bytes").asLong()), t.path("status").asText());
        }
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " KiB";
        }
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
