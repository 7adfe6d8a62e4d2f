package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A source's answer to a member that replicates from it ({@code POST /peer/links}): a fresh
 * account, and the source's position when it was made.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LinkGrant(String site, String nodeHost, int nodePort, String user, String password,
                        String gtidCurrentPos) {
    /** The account alone. */
    public SourceAccount account() {
        return new SourceAccount(site, nodeHost, nodePort, user, password);
    }
}
