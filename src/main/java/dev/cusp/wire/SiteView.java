package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One site of the group in {@link GroupView}: its membership, and, when it answered, its
 * replication state; when it did not, {@code error} says why and the state fields are absent.
 *
 * @param keyOffset          its auto-increment offset (peers only)
 * @param clockOffsetSeconds this site's estimate of that site's clock offset
 * @param versionHolds       per site, the version that holds it back from an update
 * @param documents          that site's document backlog, as its {@link PeerStatus} reports it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SiteView(String name, String role, String state, String url, String nodeHost, int nodePort,
                       long serverId, long gtidDomainId, Integer keyOffset, String upstream, String seedGtid,
                       int joinSeq, String version, boolean reachable, @JsonInclude(JsonInclude.Include.NON_NULL) String error,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String gtidCurrentPos, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean readOnly, @JsonInclude(JsonInclude.Include.NON_NULL) String health,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String fenced, @JsonInclude(JsonInclude.Include.NON_NULL) String deletionGuard, @JsonInclude(JsonInclude.Include.NON_NULL) List<Alert> alerts,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Double clockOffsetSeconds, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> versionHolds,
                       @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode documents,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<Link> links) {
    /**
     * A link of that site, as its {@link PeerLink}, with how many transactions it is behind its
     * source (null when the source did not answer).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Link(String channel, String sourceHost, int sourcePort, String receiver, String applier,
                       Long secondsBehind, String gtidIoPos, String gtidSlavePos, int lastErrno, String lastError,
                       String state, String stateSince, String detail, String code, String explanation, String fix,
                       Long transactionsBehind) {
        /** {@code l} with how many transactions it is behind its source (null: unknown). */
        public static Link of(PeerLink l, Long transactionsBehind) {
            return new Link(l.channel(), l.sourceHost(), l.sourcePort(), l.receiver(), l.applier(), l.secondsBehind(),
                    l.gtidIoPos(), l.gtidSlavePos(), l.lastErrno(), l.lastError(), l.state(), l.stateSince(),
                    l.detail(), l.code(), l.explanation(), l.fix(), transactionsBehind);
        }
    }
}
