package dev.cusp.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/admin/backups}: the backups (oldest first), the schedules'
 * state, and the practices whose newest drill failed (with the reason).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackupList(List<BackupSummary> backups, BackupScheduler.Status schedule,
                         Map<String, String> failedDrills) {
}
