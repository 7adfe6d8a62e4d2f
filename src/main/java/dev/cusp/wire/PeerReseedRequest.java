package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /peer/reseed}: one site asks another to re-seed itself (the admin's
 * {@code cusp reseed SITE}); the answer is that site's {@link JobStatus}.
 *
 * @param from the source site, null for the most up-to-date peer
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PeerReseedRequest(String from, boolean discardLocal) {
}
