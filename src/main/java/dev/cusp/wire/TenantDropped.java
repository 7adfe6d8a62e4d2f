package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What dropping a tenant removed, and what it kept.
 *
 * @param finalBackup   the file of the backup made first, null when asked not to make one
 * @param documentsKept where its documents folder was moved, null without a final backup
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantDropped(String tenant, List<String> droppedDatabases, String finalBackup, String documentsKept) {
}
