package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The result of {@code cusp repair}: the rows re-written and deleted at the authority, the
 * tables it could not repair, and the checks before and after.
 *
 * @param from  the authority, whose rows every site now has
 * @param clean whether the check after found no difference
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RepairReport(String from, long rowsRewritten, long rowsDeleted, List<NotRepaired> notRepaired,
                           boolean clean, CheckReport before, CheckReport after) {
    /** A differing table whose rows could not be named, so nothing was re-written. */
    public record NotRepaired(String database, String table, String reason) {
    }
}
