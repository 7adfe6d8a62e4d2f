package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One site of a replication group as every member records it.
 *
 * @param role      peer (writable) or replica (read-only reports)
 * @param state     joining until its seed is loaded, then active
 * @param keyOffset a peer's auto_increment_offset; null for replicas
 * @param upstream  a replica's source peer; null for peers
 * @param caPem     the site's CA certificate, which the group trusts
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GroupMember(String name, String role, String state, String url, String nodeHost, int nodePort,
                          long serverId, long gtidDomainId, Integer keyOffset, String upstream, String seedGtid,
                          int joinSeq, String version, String caPem) {
}
