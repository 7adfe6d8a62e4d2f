package dev.cusp.replication;

import dev.cusp.base.NetAddresses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * Named replication channels on a replica node (MariaDB multi-source): configured for GTID
 * ({@code MASTER_USE_GTID=current_pos}), TLS with the source's CA and certificate verification,
 * and the replica's own GTID domain ignored, so a change never comes back to where it began.
 */
public final class ReplicationChannels {
    // current_pos, not slave_pos: a peer's own writes are in its binary log, not in its
    // gtid_slave_pos. A source seeded from that peer starts its binary log at the seed's
    // position, which names the peer's own domain; connecting with slave_pos would leave that
    // domain out and the source would answer 1236 ("requested GTID state ... purged"). Every
    // site writes only in its own domain, so current_pos never asks for someone else's writes.
    private final DataSource replicaAdmin;

    public ReplicationChannels(DataSource replicaAdmin) {
        this.replicaAdmin = replicaAdmin;
    }

    /** Configures and starts the channel (replacing one of the same name). */
    public void start(ReplicationSource src, long ownDomainId) {
        String ch = quoteChannel(src.channel());
        // The host and port are what the source site answered (its link or join grant): whatever it
        // sent, only a host name or IP literal and a real port reach CHANGE MASTER. The driver quotes
        // the value, but MariaDB keeps it verbatim in the channel's master info file, one field a
        // line: a line break there would set the fields after it (user, password, TLS) at the next start.
        if (!NetAddresses.nodeHost(src.host()) || !NetAddresses.port(src.port())) {
            throw new IllegalArgumentException("refusing replication channel " + src.channel() + ": its source's node"
                    + " host or port is not a host name or IP address and a port from 1 to 65535");
        }
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            stopQuietly(s, ch);
            s.execute("RESET SLAVE " + ch + " ALL");
        } catch (SQLException ignored) {
            // No such channel yet.
        }
        try (Connection c = replicaAdmin.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("CHANGE MASTER " + ch + " TO MASTER_HOST = ?, MASTER_PORT = ?,"
                    + " MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_SSL = 1, MASTER_SSL_CA = ?,"
                    + " MASTER_SSL_VERIFY_SERVER_CERT = 1, MASTER_USE_GTID = current_pos,"
                    + " MASTER_CONNECT_RETRY = 2, MASTER_HEARTBEAT_PERIOD = 1,"
                    + " IGNORE_DOMAIN_IDS = (" + ownDomainId + ")")) {
                ps.setString(1, src.host());
                ps.setInt(2, src.port());
                ps.setString(3, src.user());
                ps.setString(4, src.password());
                ps.setString(5, src.caCert().toString());
                ps.execute();
            }
            try (Statement s = c.createStatement()) {
                s.execute("START SLAVE " + ch);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start replication channel " + src.channel() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts a channel's receiver (IO thread) again, leaving its applier as it is. */
    public void startReceiver(String channel) {
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            s.execute("START SLAVE " + quoteChannel(channel) + " IO_THREAD");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the receiver of channel " + channel + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sets a global MariaDB changes only while no channel runs: stops them all, sets it, and
     * starts again exactly what ran (a receiver still connecting counts as running; an applier
     * stopped on an error stays stopped for the conflict resolver).
     */
    public void setWhileStopped(String setting, String value) {
        List<LinkState> ran = states();
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            s.execute("STOP ALL SLAVES");
            s.execute("SET GLOBAL " + setting + " = " + value);
            for (LinkState l : ran) {
                String ch = l.channel().isEmpty() ? "''" : quoteChannel(l.channel());
                boolean io = !"No".equals(l.receiverState());
                boolean sql = l.applierRunning();
                if (io || sql) {
                    s.execute("START SLAVE " + ch + (io && sql ? "" : io ? " IO_THREAD" : " SQL_THREAD"));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set " + setting + " with the channels stopped: " + e.getMessage(), e);
        }
    }

    public void stop(String channel) {
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            stopQuietly(s, quoteChannel(channel));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the channel and forgets it. */
    public void remove(String channel) {
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            String ch = quoteChannel(channel);
            stopQuietly(s, ch);
            s.execute("RESET SLAVE " + ch + " ALL");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<LinkState> states() {
        List<LinkState> out = new ArrayList<>();
        try (Connection c = replicaAdmin.getConnection(); Statement s = c.createStatement()) {
            String applied;
            try (ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_current_pos")) {
                rs.next();
                applied = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("SHOW ALL SLAVES STATUS")) {
                states(rs, applied, out);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * Seconds behind the source, as far as this node knows: none when it holds every
     * transaction the channel has received. MariaDB's parallel appliers report
     * {@code Seconds_Behind_Master} from the timestamp of the last event applied before an idle
     * time (MDEV-17516): a link idle for a minute then read "60 s behind" with nothing to apply.
     */
    static Long lagSeconds(Long reported, String received, String applied) {
        if (reported == null || reported == 0 || received == null || applied == null) {
            return reported;
        }
        return GtidPos.parse(applied).covers(GtidPos.parse(received)) ? Long.valueOf(0) : reported;
    }

    private static void states(ResultSet rs, String applied, List<LinkState> out) throws SQLException {
        while (rs.next()) {
            int ioErr = rs.getInt("Last_IO_Errno");
            int sqlErr = rs.getInt("Last_SQL_Errno");
            long behind = rs.getLong("Seconds_Behind_Master");
            Long secondsBehind = lagSeconds(rs.wasNull() ? null : behind, rs.getString("Gtid_IO_Pos"), applied);
            String io = rs.getString("Slave_IO_Running");
            out.add(new LinkState(rs.getString("Connection_name"), rs.getString("Master_Host"),
                    rs.getInt("Master_Port"), "Yes".equals(io),
                    "Yes".equals(rs.getString("Slave_SQL_Running")), sqlErr != 0 ? sqlErr : ioErr,
                    sqlErr != 0 ? rs.getString("Last_SQL_Error") : rs.getString("Last_IO_Error"),
                    secondsBehind, rs.getString("Gtid_IO_Pos"), rs.getString("Gtid_Slave_Pos"), io, ioErr, sqlErr,
                    applied));
        }
    }

    /**
     * Waits until this node has applied {@code gtidPos} (a GTID set from the source), up to
     * {@code timeoutSeconds}. Returns false on timeout.
     */
    public boolean waitFor(String gtidPos, int timeoutSeconds) {
        try (Connection c = replicaAdmin.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?)")) {
            ps.setString(1, gtidPos);
            ps.setInt(2, timeoutSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The node's own current GTID position ({@code @@gtid_current_pos}). */
    public static String currentPos(DataSource admin) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@gtid_current_pos")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stopQuietly(Statement s, String ch) {
        try {
            s.execute("STOP SLAVE " + ch);
        } catch (SQLException notRunning) {
            // Already stopped or unknown.
        }
    }

    private static String quoteChannel(String name) {
        if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
            throw new IllegalArgumentException("bad channel name " + name);
        }
        return "'" + name + "'";
    }

    /**
     * Waits until this node's {@code @@gtid_current_pos} covers {@code gtid} in every domain, polling with a
     * growing pause (2 to 100 ms). Compared on the current position rather than with {@code MASTER_GTID_WAIT}: a peer holds its own domain in its binary log,
     * not in its replica position. Throws UNAVAILABLE when the timeout passes.
     */
    public static void awaitCovered(DataSource admin, String gtid, Duration timeout) {
        if (gtid == null || gtid.isBlank()) {
            return;
        }
        GtidPos want = GtidPos.parse(gtid);
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 2;
        while (true) {
            GtidPos here = GtidPos.parse(currentPos(admin));
            if (here.covers(want)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new dev.cusp.error.CuspException(dev.cusp.error.ErrorCode.UNAVAILABLE, "has not applied GTID position " + want + " within "
                        + timeout.toSeconds() + " s (it is at " + here + "): replication is behind or stopped");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.cusp.error.CuspException(dev.cusp.error.ErrorCode.UNAVAILABLE, "interrupted");
            }
            sleep = Math.min(100, sleep * 2);
        }
    }
}
