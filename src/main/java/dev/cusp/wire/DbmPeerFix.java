package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The coordinating site's request to the fixing one ({@code /peer/dbm/fix}): run one method's fix. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmPeerFix(String tenant, String method, boolean allowUnsafe, String requestedBy) {
}
