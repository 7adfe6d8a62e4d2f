package dev.cusp.replication;

import dev.cusp.error.CuspException;
import dev.cusp.secret.NativePassword;
import dev.cusp.secret.Passwords;
import dev.cusp.node.Binlog;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * One replication account per link, on the source node: only the replication privileges,
 * a strong random password, TLS required. Not written to the binary log: each node has its
 * own accounts for its own links.
 */
public final class ReplicationAccounts {
    private ReplicationAccounts() {
    }

    /** A valid account name for the link that {@code replicaSite} pulls over. */
    public static String userFor(String replicaSite) {
        if (!replicaSite.matches("[a-z][a-z0-9-]{0,30}")) {
            throw CuspException.invalid("site", "site name '" + replicaSite + "' is not valid");
        }
        return "repl_" + replicaSite.replace('-', '_');
    }

    /** Creates (or replaces) the account and returns its new password. */
    public static String create(DataSource sourceAdmin, String replicaSite, String fromHost) {
        String user = userFor(replicaSite);
        String password = Passwords.generate(32);
        String account = "'" + user + "'@'" + fromHost + "'";
        try {
            Binlog.withoutBinlog(sourceAdmin, c -> {
                try (Statement s = c.createStatement()) {
                    // By hash, like every account Cusp makes: should this statement ever reach a
                    // binary log (or a general log), it holds no password.
                    s.execute("CREATE OR REPLACE USER " + account + " " + NativePassword.identifiedBy(password)
                            + " REQUIRE SSL");
                    s.execute("GRANT REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO " + account);
                }
                return null;
            });
            return password;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create replication account " + account + ": " + e.getMessage(), e);
        }
    }

    public static void drop(DataSource sourceAdmin, String replicaSite, String fromHost) {
        try {
            Binlog.withoutBinlog(sourceAdmin, c -> c.createStatement()
                    .execute("DROP USER IF EXISTS '" + userFor(replicaSite) + "'@'" + fromHost + "'"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
