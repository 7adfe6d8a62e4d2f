package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** How far a check has got: tables done of all, the table now, chunks and rows compared, differences so far. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckProgress(int tablesDone, int tables, String table, long chunks, long rows, long rowsPerSecond,
                            int differences) {
}
