package dev.cusp.replication;

/**
 * One replication channel as the replica sees it, from {@code SHOW ALL SLAVES STATUS}.
 *
 * @param receiverRunning the IO thread (pulls the source's binary log)
 * @param applierRunning  the SQL thread (applies it)
 * @param lastErrno       the applier's or receiver's last error number, 0 if none
 * @param secondsBehind   null when unknown (receiver or applier stopped)
 */
public record LinkState(String channel, String sourceHost, int sourcePort, boolean receiverRunning,
                        boolean applierRunning, int lastErrno, String lastError, Long secondsBehind,
                        String gtidIoPos, String gtidSlavePos) {
}
