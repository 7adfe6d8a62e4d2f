package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The answer to {@code cusp update --designate SITE}: the group's update site now. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateSiteChanged(String updateSite) {
}
