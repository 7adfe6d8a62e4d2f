package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A statement for the query window; {@code reason} is required of the site admin (break-glass),
 * and the limits are the defaults when absent.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record QueryRequest(String sql, @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxRows,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer timeoutSeconds) {
}
