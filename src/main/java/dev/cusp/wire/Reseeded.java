package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A finished re-seed ({@code cusp reseed}).
 *
 * @param sourceGtidPos                  the source's position when it was chosen
 * @param backup                         where this site's data was saved first; absent when nothing only it held was lost
 * @param localOnlyTransactionsDiscarded how many transactions only this site held (saved to the backup first)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Reseeded(String site, String source, String sourceGtidPos,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String backup, SeedSummary seed,
                       long localOnlyTransactionsDiscarded) {
}
