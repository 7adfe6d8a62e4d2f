package dev.cusp.tenant;

import dev.cusp.node.Binlog;
import dev.cusp.secret.NativePassword;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A practice's database account, one per loopback host name. What it can reach: its own
 * database {@code od_<name>_<id>} and the ones it owns ({@code od_<name>_<id>_...}, the
 * scratch database), nothing else; backups are named outside that pattern
 * ({@link BackupNames}) so it can neither read nor drop them.
 * <p>Every account is made with its password's hash ({@link NativePassword}): the statement
 * replicates (every site needs the account), so it is written to the binary log, and the
 * password must not be. Every account requires TLS: with {@code db.bind} set beyond loopback
 * the password and the practice's data would otherwise cross the network in clear.
 */
public final class PracticeAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(PracticeAccounts.class);
    static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

    private PracticeAccounts() {
    }

    /** Creates the account (binary log on: it replicates) with its grants. */
    static void create(Statement s, String user, String password) throws SQLException {
        String escaped = user.replace("_", "\\_");
        for (String h : HOSTS) {
            String u = account(user, h);
            s.execute("CREATE OR REPLACE USER " + u + " " + NativePassword.identifiedBy(password) + " REQUIRE SSL");
            // The tenant's own database, and databases it owns (scratch): od\_x\_1\_%.
            // Not od\_x\_1% as the seed has it: that would also match tenant x with id 12.
            s.execute("GRANT ALL PRIVILEGES ON `" + escaped + "`.* TO " + u);
            s.execute("GRANT ALL PRIVILEGES ON `" + escaped + "\\_%`.* TO " + u);
        }
    }

    static String account(String user, String host) {
        return "'" + user + "'@'" + host + "'";
    }

    /**
     * Accounts made before TLS was required get {@code REQUIRE SSL} now, on this node only
     * (binary log off): every site does the same at its start, and a site seeded later copies
     * the accounts as they are here. Returns how many it changed.
     */
    public static int requireTls(DataSource admin) {
        try {
            return Binlog.withoutBinlog(admin, c -> {
                List<String> open = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT user, host FROM mysql.user WHERE user LIKE 'od\\_%' AND ssl_type = ''")) {
                    while (rs.next()) {
                        open.add(account(rs.getString(1), rs.getString(2)));
                    }
                }
                try (Statement s = c.createStatement()) {
                    for (String u : open) {
                        s.execute("ALTER USER " + u + " REQUIRE SSL");
                        LOG.info("node: practice account {} now requires TLS", u);
                    }
                }
                return open.size();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot require TLS of the practice accounts: " + e.getMessage(), e);
        }
    }

    static void drop(Connection c, String user) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String h : HOSTS) {
                s.execute("DROP USER IF EXISTS " + account(user, h));
            }
        }
    }
}
