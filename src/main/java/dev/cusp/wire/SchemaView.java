package dev.cusp.wire;

import java.util.List;

/**
 * A tenant database's schema at one site: its migration version, the migrations that failed,
 * and a short hash of its tables' shape, so sites compare schemas without sending them.
 */
public record SchemaView(String version, List<String> failed, String shape, int tables) {
}
