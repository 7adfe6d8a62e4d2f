package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A finished seed's figures (join, re-seed).
 *
 * @param gtidPosition the position the seed holds: replication goes on from there
 * @param mbPerSecond  null when it took no measurable time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SeedSummary(String gtidPosition, int databases, int users, long rows, long bytes, double seconds,
                          Double mbPerSecond) {
}
