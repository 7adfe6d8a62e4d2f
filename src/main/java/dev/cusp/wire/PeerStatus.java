package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A site's own replication state, {@code GET /peer/status}: what every other site of the group
 * (and this site's metrics and status) reads of it.
 *
 * @param clockMs       the answering site's clock; the asker estimates the offset from the middle of its round trip
 * @param role          peer, replica or standalone
 * @param seedGtid      the position the site was seeded at, null when standalone or not seeded
 * @param clockOffsets  this site's estimate of each other site's clock offset, in seconds
 * @param health        the site's worst link state (healthy, lagging, disconnected, diverged, broken)
 * @param fenced        why writes are refused here, null when they are not
 * @param deletionGuard why merges and deletes wait, null when they do not
 * @param versionHolds  per site, the version it runs while it holds this site back from an update
 * @param documents     this site's document backlog (absent from a site that does not report one)
 * @param copies        members heard running twice at once (a full copy, CLONED_SITE); absent from older sites
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PeerStatus(long clockMs, String site, String role, String version, long serverId, long gtidDomainId,
                         String seedGtid, boolean seeding, String gtidCurrentPos, String gtidBinlogPos,
                         Map<String, Double> clockOffsets, boolean readOnly, String health, List<PeerLink> links,
                         String fenced, String deletionGuard, List<Alert> alerts, String reconcileError,
                         Map<String, String> versionHolds,
                         @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode documents,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<String> copies) {
    public PeerStatus {
        copies = copies == null ? List.of() : List.copyOf(copies);
        links = links == null ? List.of() : List.copyOf(links);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** The names of this site's channels whose receiver or applier is not running. */
    public List<String> stoppedLinks() {
        return links.stream().filter(l -> !l.running()).map(PeerLink::channel).toList();
    }
}
