package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code GET /peer/update/info}: what the update site checks at every site before it starts:
 * the versions it runs and carries, and its replication state.
 *
 * @param fenced why writes are refused there, null when they are not
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateInfo(String site, String version, String practiceSchemaLatest, List<String> migrationLocations,
                         String role, String health, String fenced, List<PeerLink> links, String gtidCurrentPos,
                         boolean seeding) {
}
