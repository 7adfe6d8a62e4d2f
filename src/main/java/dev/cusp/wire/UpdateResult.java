package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code cusp update} and {@code cusp tenant update}.
 *
 * @param skipped each tenant not migrated, with why
 * @param updated per tenant migrated, the schema version before and after
 * @param backups per site, each tenant's backup database there
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateResult(String targetVersion, List<String> skipped, Map<String, Step> updated,
                           Map<String, Map<String, String>> backups) {
    /** A tenant's schema version before and after. */
    public record Step(String from, String to) {
    }
}
