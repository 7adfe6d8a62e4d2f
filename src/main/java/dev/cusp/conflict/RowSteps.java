package dev.cusp.conflict;

import dev.cusp.tenant.TenantObjects;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rule, row by row: for one row of a stopped transaction, makes this node's copy such that
 * the transaction applies (the caller has turned the binary log off and set
 * {@code @cusp_keep_stamps}), and, once it applied, decides which version wins and what to
 * record. See README "Conflicts".
 */
final class RowSteps {
    private final String site;
    private final boolean deleteWins;

    RowSteps(String site, boolean deleteWins) {
        this.site = site;
        this.deleteWins = deleteWins;
    }

    /** What the rule decided for one row: the record to keep, and writes to make as new changes of this site. */
    record Outcome(Conflict conflict, Row rewrite, Long deleteFirst) {
        static final Outcome NONE = new Outcome(null, null, null);
    }

    /** One row made ready for the stopped transaction: how to put it back, and what to do once it applied. */
    interface Step {
        void undo() throws SQLException;

        List<Outcome> finish() throws SQLException;
    }

    /** Makes the row of {@code st} ready; null when there is nothing here to compare with. */
    Step prepare(Connection c, ApplierStop st, String from) throws SQLException {
        return switch (st.kind()) {
            case "update" -> updateUpdate(c, st, from);
            case "delete" -> deleteUpdate(c, st, from);
            case "duplicate" -> duplicate(c, st, from);
            default -> missing(c, st, from);
        };
    }

    private static Row tagged(Row image, String table) {
        return image.with("__table", table);
    }

    /** Update against update: the incoming change was based on a version this site has replaced. */
    private Step updateUpdate(Connection c, ApplierStop st, String from) throws SQLException {
        Optional<String> local = RowImages.read(c, st.db(), st.table(), "id", st.rowId().toString());
        if (local.isEmpty()) {
            return null;
        }
        Row mine = RowImages.parse(local.get());
        setStamps(c, st, st.rowId(), st.stampAt(), st.stampBy());
        return new Step() {
            public void undo() throws SQLException {
                RowImages.write(c, st.db(), st.table(), mine, true);
            }

            public List<Outcome> finish() throws SQLException {
                String incoming = RowImages.read(c, st.db(), st.table(), "id", st.rowId().toString()).orElseThrow();
                if (RowImages.stamp(mine).compareTo(RowImages.stamp(RowImages.parse(incoming))) > 0) {
                    // This site's version wins: put it back. The source site, seeing the mirror
                    // image, takes this version and records the conflict, so it is recorded once.
                    RowImages.write(c, st.db(), st.table(), mine, true);
                    return List.of(Outcome.NONE);
                }
                return List.of(new Outcome(new Conflict(site, "update-update", st.table(), st.rowId(), site, "update",
                        local.get(), from, "update", incoming, "incoming", Conflict.NEWEST, st.gtid()), null, null));
            }
        };
    }

    /** An incoming delete of a row this site changed after the deleting site saw it. */
    private Step deleteUpdate(Connection c, ApplierStop st, String from) throws SQLException {
        Optional<String> local = RowImages.read(c, st.db(), st.table(), "id", st.rowId().toString());
        if (local.isEmpty()) {
            return null;
        }
        Row mine = RowImages.parse(local.get());
        setStamps(c, st, st.rowId(), st.stampAt(), st.stampBy());
        return new Step() {
            public void undo() throws SQLException {
                RowImages.write(c, st.db(), st.table(), mine, true);
            }

            public List<Outcome> finish() throws SQLException {
                String deleted = tombstone(c, st.db(), st.table(), st.rowId());
                if (deleteWins) {
                    return List.of(new Outcome(new Conflict(site, "delete-update", st.table(), st.rowId(), site,
                            "update", local.get(), from, "delete", deleted, "incoming", Conflict.DELETE_WINS,
                            st.gtid()), null, null));
                }
                // The update wins: written again as a new change, so the deleting site gets it
                // back; the deleting site records the conflict.
                return List.of(new Outcome(null, tagged(mine, st.table()), null));
            }
        };
    }

    /**
     * A missing row (1032): an incoming update of a row deleted here. The rows this site deleted
     * in that table are put back as they were deleted, the transaction applies alone, and each
     * is deleted again; one the incoming change updated is the other side of a delete-update
     * conflict. A row missing for another reason (deleted behind replication's back) leaves the
     * link broken: there is no version here to compare with.
     */
    private Step missing(Connection c, ApplierStop st, String from) throws SQLException {
        List<Row> back = new ArrayList<>();
        TenantObjects.withBaseTables(c, st.db(), List.of("row_tombstone", st.table()), () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT image FROM " + RowImages.q(st.db())
                    + ".row_tombstone t WHERE table_name = ? AND deleted_by = @@global.server_id AND id = (SELECT"
                    + " MAX(id) FROM " + RowImages.q(st.db()) + ".row_tombstone u WHERE u.table_name = t.table_name"
                    + " AND u.row_id = t.row_id) AND NOT EXISTS (SELECT 1 FROM " + RowImages.q(st.db()) + "."
                    + RowImages.q(st.table()) + " x WHERE x.id = t.row_id) ORDER BY id DESC LIMIT 500")) {
                ps.setString(1, st.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        back.add(RowImages.parse(rs.getString(1)));
                    }
                }
            }
            return null;
        });
        if (back.isEmpty()) {
            return null;
        }
        for (Row row : back) {
            RowImages.write(c, st.db(), st.table(), row, true);
        }
        return new Step() {
            public void undo() throws SQLException {
                for (Row row : back) {
                    RowImages.delete(c, st.db(), st.table(), RowImages.id(row));
                }
            }

            public List<Outcome> finish() throws SQLException {
                List<Outcome> out = new ArrayList<>();
                for (Row row : back) {
                    long id = RowImages.id(row);
                    String now = RowImages.read(c, st.db(), st.table(), "id", Long.toString(id)).orElse(null);
                    RowImages.delete(c, st.db(), st.table(), id);
                    if (now != null && !RowImages.stamp(RowImages.parse(now)).equals(RowImages.stamp(row))
                            && !deleteWins) {
                        out.add(new Outcome(new Conflict(site, "delete-update", st.table(), id, site, "delete",
                                RowImages.json(row), from, "update", now, "incoming", Conflict.UPDATE_WINS,
                                st.gtid()), null, null));
                    }
                }
                return out;
            }
        };
    }

    /** A duplicate key (1062): an incoming insert of a row that exists here. The newest wins. */
    private Step duplicate(Connection c, ApplierStop st, String from) throws SQLException {
        String column = "PRIMARY".equals(st.dupKey()) ? "id" : keyColumn(c, st);
        if (column == null) {
            return null;
        }
        Optional<String> local = RowImages.read(c, st.db(), st.table(), column, st.dupValue());
        if (local.isEmpty()) {
            return null;
        }
        Row mine = RowImages.parse(local.get());
        RowImages.delete(c, st.db(), st.table(), RowImages.id(mine));
        return new Step() {
            public void undo() throws SQLException {
                RowImages.write(c, st.db(), st.table(), mine, true);
            }

            public List<Outcome> finish() throws SQLException {
                String incoming = RowImages.read(c, st.db(), st.table(), column, st.dupValue()).orElseThrow();
                Row theirs = RowImages.parse(incoming);
                boolean localWins = RowImages.stamp(mine).compareTo(RowImages.stamp(theirs)) > 0;
                Conflict k = new Conflict(site, "duplicate-key", st.table(), RowImages.id(mine), site, "insert",
                        local.get(), from, "insert", incoming, localWins ? "local" : "incoming", Conflict.NEWEST,
                        st.gtid());
                if (!localWins) {
                    return List.of(new Outcome(k, null, null));
                }
                // This site's row wins: written again as a new change, so the source takes it too.
                long theirId = RowImages.id(theirs);
                return List.of(new Outcome(k, mine, theirId != RowImages.id(mine) ? theirId : null));
            }
        };
    }

    private static void setStamps(Connection c, ApplierStop st, long id, String at, String by) throws SQLException {
        TenantObjects.withBaseTables(c, st.db(), List.of(st.table()), () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + RowImages.q(st.db()) + "."
                    + RowImages.q(st.table()) + " SET changed_at = ?, changed_by = ? WHERE id = ?")) {
                ps.setString(1, "-".equals(at) ? null : at);
                ps.setString(2, "-".equals(by) ? null : by);
                ps.setLong(3, id);
                return ps.executeUpdate();
            }
        });
    }

    private static String tombstone(Connection c, String db, String table, long id) throws SQLException {
        return TenantObjects.withBaseTables(c, db, List.of("row_tombstone"), () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT image FROM " + RowImages.q(db) + ".row_tombstone"
                    + " WHERE table_name = ? AND row_id = ? ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, table);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    private static String keyColumn(Connection c, ApplierStop st) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, COUNT(*) OVER () FROM"
                + " information_schema.statistics WHERE table_schema = ? AND table_name = ? AND index_name = ?")) {
            ps.setString(1, st.db());
            ps.setString(2, st.table());
            ps.setString(3, st.dupKey());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(2) == 1 ? rs.getString(1) : null;
            }
        }
    }

}
