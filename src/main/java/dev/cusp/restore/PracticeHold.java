package dev.cusp.restore;

import dev.cusp.node.Binlog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A held practice's database account at this site: locked, so no new connection is let in, and
 * every open connection of it killed, so a practice's own program connected straight to the node
 * (the {@code mariadb} client, an app with the practice's password) cannot write on during a
 * group restore. The site that restores locks the account with a replicated statement; this is
 * what each site does on top, for itself: binary log off, so a late lock here can never reach
 * another site after the restoring site's unlock. Only the account's own rows in
 * {@code mysql.user} and the process list are read; nothing the practice owns runs.
 */
final class PracticeHold {
    private PracticeHold() {
    }

    /** Locks {@code user}'s accounts here (not replicated) and kills its connections. */
    static void cut(DataSource admin, String user) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            for (String host : hosts(c, user)) {
                try (PreparedStatement ps = c.prepareStatement("ALTER USER ?@? ACCOUNT LOCK")) {
                    ps.setString(1, user);
                    ps.setString(2, host);
                    ps.execute();
                }
            }
            return null;
        });
        kill(admin, user);
    }

    /** Unlocks {@code user}'s accounts here only (not replicated). */
    static void release(DataSource admin, String user) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            for (String host : hosts(c, user)) {
                try (PreparedStatement ps = c.prepareStatement("ALTER USER ?@? ACCOUNT UNLOCK")) {
                    ps.setString(1, user);
                    ps.setString(2, host);
                    ps.execute();
                }
            }
            return null;
        });
    }

    /** Kills every connection of {@code user} at this node. */
    static void kill(DataSource admin, String user) throws SQLException {
        dev.cusp.tenant.TenantService.killSessions(admin, user);
    }

    private static List<String> hosts(java.sql.Connection c, String user) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT host FROM mysql.global_priv WHERE user = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
