package dev.cusp.node;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs work that must not replicate (node-local accounts, backups) with the binary log off
 * for that session only. The session setting is always restored before the connection goes
 * back to its pool: a pooled connection left with {@code sql_log_bin=0} would silently stop
 * replicating whatever its next user does.
 */
public final class Binlog {
    /** Work on a connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private Binlog() {
    }

    public static <T> T withoutBinlog(DataSource ds, SqlWork<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0");
            }
            try {
                return work.run(c);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_log_bin = 1");
                }
            }
        }
    }
}
