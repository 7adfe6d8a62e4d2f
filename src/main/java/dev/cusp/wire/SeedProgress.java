package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** How far a seed (join, re-seed) has got: bytes and rows copied, the estimate, and the time left (-1 unknown). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SeedProgress(long bytes, long rows, long estimatedBytes, long elapsedSeconds, long etaSeconds) {
}
