package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A joining site asks the inviting site to admit it ({@code POST /peer/join}), showing the
 * invitation's one-time secret and the facts the inviting site checks.
 *
 * @param caPem   the joining site's CA certificate (PEM); the client certificate must be signed by it
 * @param tenants how many tenants the joining site hosts (it must host none)
 * @param force   join as a writer beyond the group's capacity
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JoinRequest(String secret, String site, String version, String controlSchema, String practiceSchema,
                          String url, String nodeHost, int nodePort, String caPem, long serverId, long gtidDomainId,
                          int tenants, boolean force) {
}
