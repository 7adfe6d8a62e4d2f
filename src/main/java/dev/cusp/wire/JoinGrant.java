package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The inviting site admits a joining one ({@code POST /peer/join}): its place in the group,
 * the group's master key, the account to replicate from the inviting site, and the members.
 *
 * @param keyOffset a peer's auto_increment_offset; null for a replica
 * @param capacity  the auto_increment_increment: how many writers the group has room for
 * @param upstream  a replica's source; null for a peer
 * @param masterKey the group's secret key, so secrets replicated from it can be read here
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JoinGrant(String role, Integer keyOffset, int capacity, String upstream, String topology,
                        String masterKey, SourceAccount source, List<GroupMember> members) {
}
