package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The coordinating site's question to another ({@code /peer/dbm/check}): run these methods' checks at {@code waitGtid}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmPeerCheck(String tenant, List<String> methods, String waitGtid) {
}
