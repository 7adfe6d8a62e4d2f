package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The checking site's question to another ({@code /peer/check/chunk} and {@code /rows}): a key
 * range of a table, to be computed once the asked site has applied {@code waitGtid}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CheckRange(String db, String table, long lo, long hi, String waitGtid) {
}
