package dev.cusp.replication;

/**
 * One replication channel as the replica sees it, from {@code SHOW ALL SLAVES STATUS}.
 *
 * @param receiverRunning the IO thread (pulls the source's binary log)
 * @param applierRunning  the SQL thread (applies it)
 * @param lastErrno       the applier's or receiver's last error number, 0 if none
 * @param secondsBehind   null when unknown (receiver or applier stopped)
 * @param receiverState   Yes, Connecting (cannot reach the source, retrying) or No
 * @param ioErrno         the receiver's last error, 0 if none
 * @param sqlErrno        the applier's last error, 0 if none
 * @param appliedPos      this node's {@code @@gtid_current_pos} when the channel was read: what it holds
 */
public record LinkState(String channel, String sourceHost, int sourcePort, boolean receiverRunning,
                        boolean applierRunning, int lastErrno, String lastError, Long secondsBehind,
                        String gtidIoPos, String gtidSlavePos, String receiverState, int ioErrno, int sqlErrno,
                        String appliedPos) {
}
