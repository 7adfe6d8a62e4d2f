package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code POST /admin/group/invites}: the role the new site joins as, how long the token lives, the topology of a new group. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InviteRequest(String role, long expiresMinutes,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String topology) {
}
