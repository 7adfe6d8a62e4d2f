package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The result of {@code cusp check} (and of the checks before and after a repair): what was
 * compared at which sites, and every range whose rows differ.
 *
 * @param coordinator the site that ran the check
 * @param seconds     wall time, to two decimals
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckReport(String coordinator, List<String> tenants, List<String> sitesChecked,
                          List<LeftOut> sitesSkipped, int tables, long chunks, long rows, long chunksRechecked,
                          double seconds, long rowsPerSecond, boolean clean, long differingRows,
                          List<CheckDifference> differences) {
}
