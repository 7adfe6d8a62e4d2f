package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One replication channel of a site, as {@link PeerStatus} reports it: the replica's view of
 * the link ({@code SHOW ALL SLAVES STATUS}) and the monitor's verdict on it.
 *
 * @param channel       the source site's name
 * @param receiver      running or stopped (the IO thread)
 * @param applier       running or stopped (the SQL thread)
 * @param secondsBehind null when unknown (receiver or applier stopped)
 * @param state         the monitor's label (healthy, lagging, ...), unknown before its first look
 * @param stateSince    when the link entered that state, null before the monitor's first look
 * @param code          the fault's code (see the troubleshooting table), null when healthy
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PeerLink(String channel, String sourceHost, int sourcePort, String receiver, String applier,
                       Long secondsBehind, String gtidIoPos, String gtidSlavePos, int lastErrno, String lastError,
                       String state, String stateSince, String detail, String code, String explanation, String fix) {
    public static final String RUNNING = "running";

    /** Whether both the receiver and the applier run. */
    public boolean running() {
        return RUNNING.equals(receiver) && RUNNING.equals(applier);
    }
}
