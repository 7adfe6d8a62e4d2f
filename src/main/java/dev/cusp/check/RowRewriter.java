package dev.cusp.check;

import dev.cusp.wire.Rewritten;
import dev.cusp.tenant.TenantObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Re-writes rows at the authority site so that replication makes every other site match it:
 * {@code REPLACE INTO t (cols) VALUES (the row's own values)} where the authority has the row,
 * {@code DELETE ... WHERE key = k} where it has not, with the binary log on.
 *
 * <p>Why statement format, for these statements only: in ROW format a REPLACE of identical
 * values is not logged at all (InnoDB reports "record is the same"), and no row event can fix
 * a row that is missing at some sites and present at others (an insert fails on a duplicate
 * key where it is present, an update or delete fails where it is missing). A statement with
 * literal values runs at every site and inserts, overwrites or deletes as that site needs,
 * as pt-table-sync does. Setting {@code binlog_format} needs the BINLOG ADMIN privilege, which
 * a tenant's own database user does not have, so the site's admin account writes, naming the
 * tenant's database; it writes at the authority site only, never at the sites being fixed.
 */
final class RowRewriter {
    private final DataSource admin;

    RowRewriter(DataSource admin) {
        this.admin = admin;
    }

    /** Rewrites the given keys of a table in one transaction; returns how many were re-written and deleted. */
    Rewritten rewrite(TableShape s, List<Long> keys, java.util.function.Supplier<String> posAfter) {
        if (!s.chunked()) {
            throw new IllegalArgumentException(s.table() + " has no single-column integer primary key");
        }
        String k = TableShape.quote(s.key());
        String read = "SELECT " + s.literals() + " FROM " + s.qualified() + " WHERE " + k + " = ? FOR UPDATE";
        int rewritten = 0;
        int deleted = 0;
        try (Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET SESSION binlog_format = 'STATEMENT'");
            st.execute("SET SESSION sql_log_bin = 1");
            // The rows are written with the authority's own change stamps (practice schema v3),
            // not re-stamped as new changes, so every site ends with the same bytes.
            st.execute("SET @cusp_keep_stamps = 1");
            c.setAutoCommit(false);
            // Read and written by the admin account, and the statements replicate: only a base table.
            try (PreparedStatement ps = held(c, s, read)) {
                for (long key : keys) {
                    ps.setLong(1, key);
                    String values = null;
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            StringBuilder b = new StringBuilder();
                            for (int i = 1; i <= s.columns().size(); i++) {
                                String lit = rs.getString(i);
                                b.append(i > 1 ? ", " : "").append(lit == null ? "NULL" : lit);
                            }
                            values = b.toString();
                        }
                    }
                    if (values != null) {
                        st.executeUpdate("REPLACE INTO " + s.qualified() + " (" + s.columnList() + ") VALUES ("
                                + values + ")");
                        rewritten++;
                    } else {
                        st.executeUpdate("DELETE FROM " + s.qualified() + " WHERE " + k + " = " + key);
                        deleted++;
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                st.execute("SET SESSION binlog_format = DEFAULT");
                st.execute("SET @cusp_keep_stamps = NULL");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rewrite rows of " + s.db() + "." + s.table() + ": "
                    + e.getMessage(), e);
        }
        return new Rewritten(rewritten, deleted, posAfter.get());
    }

    private static PreparedStatement held(Connection c, TableShape s, String sql) throws SQLException {
        TenantObjects.hold(c, s.db(), List.of(s.table()));
        return c.prepareStatement(sql);
    }
}
