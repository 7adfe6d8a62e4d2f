package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A site removed from the group ({@code cusp site remove}); its replicas now replicate from the removing site. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SiteRemoved(String removed, List<String> replicasMovedHere) {
}
