package dev.cusp.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * One backup as {@code cusp backup list} and the API show it.
 *
 * @param verified   null until a drill ran; then whether the newest drill passed
 * @param verifiedAt when the newest drill ran
 * @param problems   the newest drill's problems (empty when it passed or none ran)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackupSummary(String tenant, String id, String kind, String method, Instant createdAt, long bytes,
                            long rawBytes, String schemaVersion, String gtidPosition, long lockMillis,
                            long elapsedMillis, Boolean verified, Instant verifiedAt, List<String> problems,
                            String folder) {

    public static BackupSummary of(BackupStore.Stored s) {
        BackupManifest m = s.manifest();
        var v = s.verification();
        return new BackupSummary(m.tenant(), m.id(), m.kind(), m.method(), m.createdAt(), m.bytes(), m.rawBytes(),
                m.schemaVersion(), m.gtidPosition(), m.lockMillis(), m.elapsedMillis(),
                v.map(BackupVerification::ok).orElse(null), v.map(BackupVerification::verifiedAt).orElse(null),
                v.map(BackupVerification::problems).orElse(List.of()), s.folder().toString());
    }
}
