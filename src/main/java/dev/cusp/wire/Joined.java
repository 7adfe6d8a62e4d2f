package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A finished join ({@code cusp join}): this site's role, its first source, the node settings checked, the seed. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Joined(String site, String role, String source, List<NodeSettingRow> settings, SeedSummary seed) {
}
