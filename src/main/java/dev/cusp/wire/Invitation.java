package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * An invitation to join a group ({@code cusp invite}): the token to hand the joining site, and
 * what it says.
 *
 * @param token               the join token (inviting site, URL, CA fingerprint, one-time secret)
 * @param caFingerprintSha256 the inviting site's CA, which the joining site pins
 * @param expiresAt           an ISO-8601 instant
 * @param topology            the peers' topology: mesh or ring
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Invitation(String token, String role, String site, String url, String caFingerprintSha256,
                         String expiresAt, String topology) {
}
