package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The peers' topology now (mesh or ring); every site re-links within seconds. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TopologyChanged(String topology) {
}
