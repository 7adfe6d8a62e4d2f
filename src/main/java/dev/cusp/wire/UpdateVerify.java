package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code POST /peer/update/verify}: wait until {@code waitGtid} is applied, then report these tenants' schemas. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateVerify(String waitGtid, int timeoutSeconds, List<String> tenants) {
}
