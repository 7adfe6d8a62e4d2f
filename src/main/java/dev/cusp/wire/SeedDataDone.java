package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** What seed-data wrote: rows per table, in all, and how long it took. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SeedDataDone(String tenant, Integer patients, long seed, Map<String, Long> rows, long totalRows,
                           long elapsedMs) {
}
