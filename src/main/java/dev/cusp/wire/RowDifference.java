package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One row whose CRC is not the same everywhere.
 *
 * @param differsAt the sites whose value is not the most common one
 * @param crc       per site, the row's CRC in hex, or {@code missing}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RowDifference(long key, List<String> differsAt, Map<String, String> crc) {
    public static final String MISSING = "missing";
}
