package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The database node as {@link SiteStatus} shows it: its version and replication settings, read
 * live from the server. When the node cannot be reached every setting is null and {@code error}
 * says why.
 *
 * @param tls   {@code @@have_ssl}: YES or DISABLED
 * @param error why the node could not be read; absent when it was
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeStatusView(String version, String bindAddress, Long port, Long serverId, Long gtidDomainId,
                             Boolean logBin, String binlogFormat, Boolean logSlaveUpdates,
                             Boolean gtidIgnoreDuplicates, String gtidCurrentPos, Long autoIncrementIncrement,
                             Long autoIncrementOffset, Boolean readOnly, String tls, Long syncBinlog,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    /** A node that could not be read. */
    public static NodeStatusView unreachable(String why) {
        return new NodeStatusView(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, why);
    }
}
