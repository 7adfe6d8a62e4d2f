package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A replication alert as the API shows it: what happened (with the fault's code), since when,
 * and what fixes it; {@code clearedAt} is null while it is active.
 *
 * @param link  the channel it concerns, or the subject of a site fault
 * @param state the link state or fault that raised it
 * @param since an ISO-8601 instant
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Alert(String id, String link, String state, String code, String since, String message, String fix,
                    String clearedAt) {
}
