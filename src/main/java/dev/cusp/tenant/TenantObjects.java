package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the site's admin account ({@code cusp_admin}) touches a name inside a practice's
 * database: only a base table, proven so and kept so until the transaction ends.
 *
 * <p>Why: a practice owns every name in its database and may replace any table with a view,
 * and a {@code SQL SECURITY INVOKER} view (or the {@code INVOKER} function it calls, or the
 * {@code WHERE} of a view {@code WITH CHECK OPTION} on an insert) runs with the privileges of
 * whoever reads or writes it. Read by the admin account, it would run the practice's code with
 * every privilege on the node: the confused deputy. A base table runs no code of its reader;
 * its triggers run as their definer, the practice's own user.
 *
 * <p>How: {@code SELECT 1 FROM db.t USE INDEX () LIMIT 0} inside the caller's transaction.
 * MariaDB refuses any index hint on a view (error 1176) while it opens the name, before
 * anything of the view is prepared or run; on a base table the statement reads nothing, and
 * leaves the table's shared metadata lock held until the transaction ends, so the practice's
 * {@code RENAME}, {@code DROP} or {@code CREATE VIEW} of that name waits for the admin's
 * statements to finish. A lookup in {@code information_schema.TABLES} followed by the
 * statement would leave a window in which the practice could swap the table for a view.
 */
public final class TenantObjects {
    private static final Logger LOG = LoggerFactory.getLogger(TenantObjects.class);
    /** ER_KEY_DOES_NOT_EXISTS: what MariaDB answers to an index hint on a view. */
    private static final int HINT_ON_VIEW = 1176;

    /** Work done once the named objects are held as base tables. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    private TenantObjects() {
    }

    /**
     * Proves each of {@code tables} in {@code db} a base table and holds it so until the
     * connection's open transaction ends. Refuses (CONFLICT, logged) a name that is anything
     * else; a missing table is MariaDB's own error 1146.
     */
    public static void hold(Connection c, String db, List<String> tables) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("TenantObjects.hold needs an open transaction: in autocommit the"
                    + " metadata lock would end with the statement");
        }
        for (String table : tables) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 1 FROM " + quote(db) + "." + quote(table)
                         + " USE INDEX () LIMIT 0")) {
                rs.next();
            } catch (SQLException e) {
                if (e.getErrorCode() == HINT_ON_VIEW) {
                    throw notBaseTable(c, db, table);
                }
                throw e;
            }
        }
    }

    /**
     * Runs {@code work} with the named objects held as base tables: inside the connection's
     * open transaction if it has one, else in a transaction of its own, committed after it.
     */
    public static <T> T withBaseTables(Connection c, String db, List<String> tables, Work<T> work)
            throws SQLException {
        if (!c.getAutoCommit()) {
            hold(c, db, tables);
            return work.run();
        }
        c.setAutoCommit(false);
        try {
            hold(c, db, tables);
            T out = work.run();
            c.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static CuspException notBaseTable(Connection c, String db, String table) {
        String kind = "not a base table";
        try (PreparedStatement ps = c.prepareStatement("SELECT table_type FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name = ?")) {
            // information_schema describes a view without running it.
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    kind = "a " + rs.getString(1).toLowerCase(java.util.Locale.ROOT) + ", not a base table";
                }
            }
        } catch (SQLException ignored) {
            // The refusal stands; only its wording is less exact.
        }
        LOG.error("tenant database {}: {} is {}; the site's admin account does not read or write an object a"
                + " practice made, so this operation is refused", db, table, kind);
        return new CuspException(ErrorCode.CONFLICT, "tenant database " + db + ": " + table + " is " + kind
                + " (the practice's database user replaced it). The site's admin account does not read or run a"
                + " practice's own objects, so Cusp refused; restore the table as the practice's database user.");
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
