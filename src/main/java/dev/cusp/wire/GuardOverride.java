package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The deletion guard lifted by a site admin until {@code overrideUntil} (ISO-8601), and why. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GuardOverride(String overrideUntil, String reason) {
}
