package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code GET /admin/update}: the group's update site, and the versions this site runs and carries. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateState(String updateSite, boolean standalone, String version, String practiceSchemaLatest) {
}
