package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** What a rewrite did at the authority, and its GTID position after, which the other sites wait for. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Rewritten(long rewritten, long deleted, String gtidPos) {
}
