package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The result of {@code cusp dbm fix}: what each method's fix did at {@code site}, and the comparison after. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmFixReport(String tenant, String site, List<DbmFixed> fixed, List<String> sites, String gtidPosition,
                           List<DbmMethodReport> after, boolean clean) {
}
