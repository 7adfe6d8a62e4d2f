package dev.cusp.backup;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /api/v1/admin/backups} and {@code /backups/verify}: one tenant (and for
 * a drill optionally one of its backups by id), or {@code all}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupRequest(String tenant, Boolean all, String backup) {
}
