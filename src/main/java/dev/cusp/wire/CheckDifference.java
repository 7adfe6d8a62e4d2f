package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A key range of one table that is not the same at every site.
 *
 * @param key    the primary key column, null when the table has none to walk
 * @param lo     the range's first key, null from the table's start
 * @param hi     the range's last key, null to the table's end
 * @param counts rows in the range, per site
 * @param rows   the differing rows (empty when they could not be named)
 * @param note   why rows could not be named, or that the table's columns differ; null otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckDifference(String tenant, String database, String table, String key, Long lo, Long hi,
                              Map<String, Long> counts, List<RowDifference> rows, String note) {
}
