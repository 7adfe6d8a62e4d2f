package dev.cusp.conflict;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.TenantObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A tenant's conflict log (table {@code conflict_log} in the tenant's own database). Written
 * with the binary log on, so it replicates: every site lists every site's conflicts. Restoring
 * writes the losing version back as a normal replicated change of this site and marks the entry
 * restored, with a security-log line, in one transaction.
 */
public final class ConflictLog {
    private final DataSource admin;
    private final String site;

    public ConflictLog(DataSource admin, String site) {
        this.admin = admin;
        this.site = site;
    }

    /**
     * Puts the session in the node's current auto-increment lane. A session copies the spacing
     * from the node's globals when it opens: a pooled admin connection older than the group's
     * last key spacing would number a new row in another site's lane, and that site's own rows
     * would then collide with it when they replicate (seen in GroupIT's three-way conflicts:
     * "Duplicate entry '3' for key 'PRIMARY'" in conflict_log, every link broken).
     */
    static void useNodeKeySpacing(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION auto_increment_increment = @@GLOBAL.auto_increment_increment,"
                    + " auto_increment_offset = @@GLOBAL.auto_increment_offset");
        }
    }

    static void record(Connection c, String db, Conflict k) throws SQLException {
        useNodeKeySpacing(c);
        TenantObjects.withBaseTables(c, db, List.of("conflict_log"), () -> insert(c, db, k));
    }

    private static Void insert(Connection c, String db, Conflict k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + RowImages.q(db) + ".conflict_log"
                + " (detected_site, kind, table_name, row_id, local_site, local_change, local_image, incoming_site,"
                + " incoming_change, incoming_image, winner, rule, gtid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, k.detectedSite());
            ps.setString(2, k.kind());
            ps.setString(3, k.table());
            ps.setObject(4, k.rowId());
            ps.setString(5, k.localSite());
            ps.setString(6, k.localChange());
            ps.setString(7, k.localImage());
            ps.setString(8, k.incomingSite());
            ps.setString(9, k.incomingChange());
            ps.setString(10, k.incomingImage());
            ps.setString(11, k.winner());
            ps.setString(12, k.rule());
            ps.setString(13, k.gtid());
            ps.executeUpdate();
        }
        return null;
    }

    /**
     * Every conflict of the tenant database {@code db}, newest first. CONFLICT when the practice
     * has put something other than a table in the log's place (see {@link TenantObjects}).
     */
    public List<Map<String, Object>> list(String tenant, String db) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = admin.getConnection()) {
            TenantObjects.withBaseTables(c, db, List.of("conflict_log"), () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + RowImages.q(db)
                        + ".conflict_log ORDER BY detected_at DESC, id DESC"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(withoutSecrets(describe(tenant, rs)));
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            if (e.getErrorCode() == MariaDbErrors.NO_SUCH_TABLE) {
                return out; // a practice schema older than v3 has no conflict log yet
            }
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static Map<String, Object> describe(String tenant, ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rs.getLong("id"));
        m.put("tenant", tenant);
        m.put("detected_at", rs.getString("detected_at"));
        m.put("detected_site", rs.getString("detected_site"));
        m.put("kind", rs.getString("kind"));
        m.put("table", rs.getString("table_name"));
        long row = rs.getLong("row_id");
        m.put("row_id", rs.wasNull() ? null : row);
        m.put("local", version(rs, "local"));
        m.put("incoming", version(rs, "incoming"));
        m.put("winner", rs.getString("winner"));
        m.put("rule", rs.getString("rule"));
        m.put("gtid", rs.getString("gtid"));
        m.put("status", rs.getString("status"));
        m.put("restored_at", rs.getString("restored_at"));
        m.put("restored_by", rs.getString("restored_by"));
        return m;
    }

    /** Columns whose values a listing never shows: a practice user's password hash is the practice's alone. */
    static final java.util.Set<String> SECRET_COLUMNS = java.util.Set.of("password_hash");

    /**
     * The listing goes to the site admin (and the CLI), who must never see a practice user's
     * password hash: a conflict on {@code practice_user} keeps both row images, hash included, so
     * that restore can write the losing version back; the listing shows that the hash differs or
     * not, never its value.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withoutSecrets(Map<String, Object> entry) {
        for (String side : List.of("local", "incoming")) {
            Object v = entry.get(side);
            if (v instanceof Map<?, ?> version && version.get("image") instanceof Map<?, ?> image) {
                Map<String, Object> shown = new LinkedHashMap<>((Map<String, Object>) image);
                for (String k : SECRET_COLUMNS) {
                    if (shown.containsKey(k) && shown.get(k) != null) {
                        shown.put(k, "<hidden>");
                    }
                }
                ((Map<String, Object>) version).put("image", shown);
            }
        }
        return entry;
    }

    private static Map<String, Object> version(ResultSet rs, String side) throws SQLException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("site", rs.getString(side + "_site"));
        v.put("change", rs.getString(side + "_change"));
        String img = rs.getString(side + "_image");
        v.put("image", img == null ? null : RowImages.parse(img));
        return v;
    }

    /**
     * Writes the losing version of conflict {@code id} back at this site, binary log on, so every
     * site gets it: the losing row image (insert or update), or, when the loser was a delete, the
     * delete. The triggers stamp it as a new change, so it is the newest version everywhere.
     */
    public Map<String, Object> restore(String tenant, String db, long id, Actor actor) {
        try (Connection c = admin.getConnection()) {
            useNodeKeySpacing(c); // the restore writes a security_log row
            c.setAutoCommit(false);
            try {
                TenantObjects.hold(c, db, List.of("conflict_log"));
                Map<String, Object> entry;
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + RowImages.q(db)
                        + ".conflict_log WHERE id = ? FOR UPDATE")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new CuspException(ErrorCode.NOT_FOUND, "no conflict " + id + " in tenant " + tenant
                                    + "; list them with 'cusp conflicts " + tenant + "'", "id");
                        }
                        entry = describe(tenant, rs);
                    }
                }
                if ("restored".equals(entry.get("status"))) {
                    throw new CuspException(ErrorCode.CONFLICT, "conflict " + id + " of tenant " + tenant
                            + " was already restored at " + entry.get("restored_at") + " by " + entry.get("restored_by"), "id");
                }
                String loserSide = "local".equals(entry.get("winner")) ? "incoming" : "local";
                @SuppressWarnings("unchecked")
                Map<String, Object> loser = (Map<String, Object>) entry.get(loserSide);
                @SuppressWarnings("unchecked")
                Map<String, Object> image = (Map<String, Object>) loser.get("image");
                String table = (String) entry.get("table");
                // The conflict's table and the security log are written by the admin account:
                // only as base tables (a practice may have put a view with its code in their place).
                TenantObjects.hold(c, db, List.of(table, "security_log"));
                String done;
                if ("delete".equals(loser.get("change"))) {
                    RowImages.delete(c, db, table, ((Number) entry.get("row_id")).longValue());
                    done = "deleted " + table + " " + entry.get("row_id") + " again (the losing change was a delete)";
                } else if (image == null) {
                    throw new CuspException(ErrorCode.CONFLICT, "conflict " + id + " holds no image of the losing"
                            + " version (the row was absent here); nothing to restore", "id");
                } else {
                    RowImages.write(c, db, table, image, false);
                    done = "wrote back the losing version of " + table + " " + image.get("id") + " (from "
                            + loser.get("site") + ")";
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + RowImages.q(db) + ".conflict_log SET"
                        + " status = 'restored', restored_at = NOW(3), restored_by = ? WHERE id = ?")) {
                    ps.setString(1, actor.userName() + "@" + site);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                try (PreparedStatement use = c.prepareStatement("USE " + RowImages.q(db))) {
                    use.execute();
                }
                SecurityLog.write(c, actor, "conflict-restore", table, entry.get("row_id") == null ? null
                        : ((Number) entry.get("row_id")).longValue(), "conflict " + id + ": " + done);
                c.commit();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tenant", tenant);
                out.put("id", id);
                out.put("restored", done);
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("restoring conflict " + id + " of " + tenant + ": " + e.getMessage(), e);
        }
    }
}
