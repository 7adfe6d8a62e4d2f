package dev.cusp.conflict;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.TenantObjects;
import dev.cusp.wire.ConflictRestored;
import dev.cusp.wire.ConflictVersion;
import dev.cusp.wire.ConflictView;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
    public List<ConflictView> list(String tenant, String db) {
        List<ConflictView> out = new ArrayList<>();
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

    private static ConflictView describe(String tenant, ResultSet rs) throws SQLException {
        long row = rs.getLong("row_id");
        Long rowId = rs.wasNull() ? null : row;
        return new ConflictView(rs.getLong("id"), tenant, rs.getString("detected_at"), rs.getString("detected_site"),
                rs.getString("kind"), rs.getString("table_name"), rowId, version(rs, "local"), version(rs, "incoming"),
                rs.getString("winner"), rs.getString("rule"), rs.getString("gtid"), rs.getString("status"),
                rs.getString("restored_at"), rs.getString("restored_by"));
    }

    /** Columns whose values a listing never shows: a practice user's password hash is the practice's alone. */
    static final java.util.Set<String> SECRET_COLUMNS = java.util.Set.of("password_hash");

    /**
     * The listing goes to the site admin (and the CLI), who must never see a practice user's
     * password hash: a conflict on {@code practice_user} keeps both row images, hash included, so
     * that restore can write the losing version back; the listing shows that the hash differs or
     * not, never its value.
     */
    static ConflictView withoutSecrets(ConflictView entry) {
        return entry.with(withoutSecrets(entry.local()), withoutSecrets(entry.incoming()));
    }

    private static ConflictVersion withoutSecrets(ConflictVersion v) {
        if (v == null || v.image() == null) {
            return v;
        }
        Row shown = v.image();
        for (String k : SECRET_COLUMNS) {
            if (shown.get(k) != null) {
                shown = shown.with(k, "<hidden>");
            }
        }
        return new ConflictVersion(v.site(), v.change(), shown);
    }

    private static ConflictVersion version(ResultSet rs, String side) throws SQLException {
        String img = rs.getString(side + "_image");
        return new ConflictVersion(rs.getString(side + "_site"), rs.getString(side + "_change"),
                img == null ? null : RowImages.parse(img));
    }

    /**
     * Writes the losing version of conflict {@code id} back at this site, binary log on, so every
     * site gets it: the losing row image (insert or update), or, when the loser was a delete, the
     * delete. The triggers stamp it as a new change, so it is the newest version everywhere.
     */
    public ConflictRestored restore(String tenant, String db, long id, Actor actor) {
        try (Connection c = admin.getConnection()) {
            useNodeKeySpacing(c); // the restore writes a security_log row
            c.setAutoCommit(false);
            try {
                TenantObjects.hold(c, db, List.of("conflict_log"));
                ConflictView entry;
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
                if (ConflictView.RESTORED.equals(entry.status())) {
                    throw new CuspException(ErrorCode.CONFLICT, "conflict " + id + " of tenant " + tenant
                            + " was already restored at " + entry.restoredAt() + " by " + entry.restoredBy(), "id");
                }
                ConflictVersion loser = entry.loser();
                Row image = loser.image();
                String table = entry.table();
                // The conflict's table and the security log are written by the admin account:
                // only as base tables (a practice may have put a view with its code in their place).
                TenantObjects.hold(c, db, List.of(table, "security_log"));
                String done;
                if ("delete".equals(loser.change())) {
                    RowImages.delete(c, db, table, entry.rowId());
                    done = "deleted " + table + " " + entry.rowId() + " again (the losing change was a delete)";
                } else if (image == null) {
                    throw new CuspException(ErrorCode.CONFLICT, "conflict " + id + " holds no image of the losing"
                            + " version (the row was absent here); nothing to restore", "id");
                } else {
                    RowImages.write(c, db, table, image, false);
                    done = "wrote back the losing version of " + table + " " + image.get("id") + " (from "
                            + loser.site() + ")";
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
                SecurityLog.write(c, actor, "conflict-restore", table, entry.rowId(), "conflict " + id + ": " + done);
                c.commit();
                return new ConflictRestored(tenant, id, done);
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
