package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** This site left its group ({@code cusp leave}); {@code recordedBy}: the peer that recorded it, null when none was left. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SiteLeft(String site, boolean left, String recordedBy) {
}
