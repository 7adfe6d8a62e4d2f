package dev.cusp.replication;

import java.nio.file.Path;

/**
 * Where a channel pulls from: the source node's address, the replication account made for
 * this link, and the CA that signed the source node's certificate (pinned: the replica
 * verifies the certificate, so a man in the middle gets nothing).
 *
 * <p>{@code host} must be a DNS name in the source certificate: MariaDB's replica-side
 * certificate check matches names, not IP addresses, so a loopback source is {@code localhost}
 * (replication still connects over TCP to the given port).
 *
 * @param channel the channel's name on the replica, usually the source site's name
 */
public record ReplicationSource(String channel, String host, int port, String user, String password, Path caCert) {
}
