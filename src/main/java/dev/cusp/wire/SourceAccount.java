package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A replication account a source site made for one replica: where its node listens and how to
 * log in. Sent once, over mutual TLS, to that replica only.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SourceAccount(String site, String nodeHost, int nodePort, String user, String password) {
}
