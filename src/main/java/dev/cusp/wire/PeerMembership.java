package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A site's answer to a certificate asking whether its own site is a member there
 * ({@code GET /api/v1/peer/membership}): how a site told "you were removed" checks the news with
 * the site that sent it. {@code site} and {@code state} only when it is a member.
 */
public record PeerMembership(boolean member, @JsonInclude(JsonInclude.Include.NON_NULL) String site,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String state) {
}
