package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One method compared across sites.
 *
 * @param state          agree, differ or incomplete (a site could not answer)
 * @param results        per site, what it found
 * @param differingSites the sites whose rows differ from the others', when the state is differ
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmMethodReport(String method, boolean replicationSafe, String state, Map<String, DbmSiteResult> results,
                              List<String> differingSites) {
}
