package dev.cusp.group;

/**
 * One site of the replication group, as every member records it (table {@code cusp.site}).
 *
 * @param role      {@code peer} (writable, multi-primary) or {@code replica} (read-only reports)
 * @param state     {@code joining} until its seed is loaded, then {@code active}
 * @param keyOffset a peer's {@code auto_increment_offset}; null for replicas
 * @param upstream  a replica's source peer; null for peers
 */
public record Member(String name, String role, String state, String url, String nodeHost, int nodePort,
                     String caPem, long serverId, long gtidDomainId, Integer keyOffset, String upstream,
                     String seedGtid, int joinSeq, String version) {

    public static final String PEER = "peer";
    public static final String REPLICA = "replica";
    public static final String JOINING = "joining";
    public static final String ACTIVE = "active";

    public boolean peer() {
        return PEER.equals(role);
    }

    public boolean active() {
        return ACTIVE.equals(state);
    }
}
