package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A replication conflict as {@code cusp conflicts} lists it: which row, both versions, which
 * won by which rule, and whether the loser was restored.
 *
 * @param winner local or incoming
 * @param status open or restored
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConflictView(long id, String tenant, String detectedAt, String detectedSite, String kind, String table,
                           Long rowId, ConflictVersion local, ConflictVersion incoming, String winner, String rule,
                           String gtid, String status, String restoredAt, String restoredBy) {
    public static final String RESTORED = "restored";

    /** The same conflict with other versions (a listing hides secret columns). */
    public ConflictView with(ConflictVersion l, ConflictVersion in) {
        return new ConflictView(id, tenant, detectedAt, detectedSite, kind, table, rowId, l, in, winner, rule, gtid,
                status, restoredAt, restoredBy);
    }

    /** The version that lost. */
    public ConflictVersion loser() {
        return "local".equals(winner) ? incoming : local;
    }
}
