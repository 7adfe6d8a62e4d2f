package dev.cusp.conflict;

import dev.cusp.replication.LinkState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a replication link stopped by a row conflict, from the monitor's cycle: a link seen
 * broken by a conflict in two cycles in a row (so the monitor has shown it broken and fenced
 * writes) is resolved here. The resolver saves the local row, makes the local data such that
 * exactly the stopped transaction applies (with the binary log off: these are repairs of this
 * node's copy, not new changes), applies it alone ({@code START SLAVE UNTIL master_gtid_pos}),
 * reads the incoming row, applies the rule, records the conflict (binary log on, so the record
 * replicates) and restarts the link. The whole transaction applies, never skipped: its other
 * rows (the security-log line of every change) are kept. See README "Conflicts".
 */
public final class ConflictResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictResolver.class);
    private static final int UNTIL_SECONDS = 60;
    private final DataSource admin;
    private final String site;
    private final boolean auto;
    private final boolean deleteWins;
    private volatile Set<String> brokenBefore = Set.of();
    /** Transactions this resolver could not resolve: left broken for a person, not retried every cycle. */
    private final Set<String> givenUp = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ConflictResolver(DataSource admin, String site, boolean auto, boolean deleteWins) {
        this.admin = admin;
        this.site = site;
        this.auto = auto;
        this.deleteWins = deleteWins;
    }

    /** What the rule decided for one row: the record to keep, and writes to make as new changes of this site. */
    private record Outcome(Conflict conflict, Map<String, Object> rewrite, Long deleteFirst) {
        static final Outcome NONE = new Outcome(null, null, null);
    }

    /** One row made ready for the stopped transaction: how to put it back, and what to do once it applied. */
    private interface Step {
        void undo() throws SQLException;

        List<Outcome> finish() throws SQLException;
    }

    /** One monitor cycle: the links' states, after the monitor has taken them. */
    public void cycle(List<LinkState> states) {
        Set<String> broken = new HashSet<>();
        for (LinkState l : states) {
            if (l.applierRunning() || !ApplierStop.resolvable(l.sqlErrno())) {
                continue;
            }
            broken.add(l.channel());
            if (auto && brokenBefore.contains(l.channel())) {
                try {
                    resolve(l.channel());
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("conflicts: link from {} stays broken: {}", l.channel(), e.getMessage());
                }
            }
        }
        brokenBefore = Set.copyOf(broken);
    }

    private void resolve(String channel) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            Optional<ApplierStop> found = ApplierStop.read(s, channel);
            if (found.isEmpty() || !RowImages.stamped(c, found.get().db(), found.get().table())
                    || givenUp.contains(channel + " " + found.get().gtid())) {
                return;
            }
            ApplierStop first = found.get();
            String from = siteOf(c, first.originServerId());
            List<Step> steps = new ArrayList<>();
            List<ApplierStop> stops = new ArrayList<>();
            List<Outcome> outcomes = new ArrayList<>();
            int errno = -1;
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("SET @cusp_keep_stamps = 1");
            try {
                // A transaction may conflict on several rows (a merge, a combine): each is made
                // ready in turn until the whole transaction applies.
                ApplierStop st = first;
                for (int i = 0; i < 50; i++) {
                    LOG.warn("conflicts: {}.{}: {} conflict in transaction {} from {}; resolving", st.db(),
                            st.table(), st.kind(), st.gtid(), from);
                    Step step = switch (st.kind()) {
                        case "update" -> updateUpdate(c, st, from);
                        case "delete" -> deleteUpdate(c, st, from);
                        case "duplicate" -> duplicate(c, st, from);
                        default -> missing(c, st, from);
                    };
                    if (step == null) {
                        break;
                    }
                    steps.add(step);
                    stops.add(st);
                    errno = applyAlone(s, st);
                    if (errno == 0) {
                        break;
                    }
                    Optional<ApplierStop> next = ApplierStop.read(s, channel);
                    if (next.isEmpty() || !next.get().gtid().equals(first.gtid())
                            || !RowImages.stamped(c, next.get().db(), next.get().table())) {
                        break;
                    }
                    st = next.get();
                }
                if (errno == 0) {
                    for (Step step : steps) {
                        outcomes.addAll(step.finish());
                    }
                } else {
                    for (int i = steps.size() - 1; i >= 0; i--) {
                        steps.get(i).undo();
                    }
                }
            } finally {
                s.execute("SET SESSION sql_log_bin = 1");
                s.execute("SET @cusp_keep_stamps = NULL");
            }
            if (errno != 0) {
                givenUp.add(channel + " " + first.gtid());
                LOG.warn("conflicts: {}.{}: transaction {} from {} cannot be resolved by the rule ({}); the link"
                        + " stays broken: 'cusp reseed {}' mends it", first.db(), first.table(), first.gtid(), from,
                        first.message(), site);
            }
            for (int i = 0; i < outcomes.size(); i++) {
                Outcome o = outcomes.get(i);
                String db = first.db();
                if (o.conflict() == null && o.rewrite() == null && o.deleteFirst() == null) {
                    continue;
                }
                String table = o.conflict() != null ? o.conflict().table() : String.valueOf(o.rewrite().get("__table"));
                if (o.deleteFirst() != null) {
                    RowImages.delete(c, db, table, o.deleteFirst());
                }
                if (o.rewrite() != null) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>(o.rewrite());
                    row.remove("__table");
                    RowImages.write(c, db, table, row, false);
                }
                if (o.conflict() != null) {
                    ConflictLog.record(c, db, o.conflict());
                    LOG.warn("conflicts: {}.{} {}: {} won ({}); both versions are in conflict_log", db, table,
                            o.conflict().rowId(), o.conflict().winner(), o.conflict().rule());
                }
            }
            s.execute("STOP SLAVE '" + channel + "'");
            s.execute("START SLAVE '" + channel + "'");
        }
    }

    private static Map<String, Object> tagged(Map<String, Object> image, String table) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(image);
        m.put("__table", table);
        return m;
    }

    /** Update against update: the incoming change was based on a version this site has replaced. */
    private Step updateUpdate(Connection c, ApplierStop st, String from) throws SQLException {
        Optional<String> local = RowImages.read(c, st.db(), st.table(), "id", st.rowId().toString());
        if (local.isEmpty()) {
            return null;
        }
        Map<String, Object> mine = RowImages.parse(local.get());
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
        Map<String, Object> mine = RowImages.parse(local.get());
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
        List<Map<String, Object>> back = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT image FROM " + RowImages.q(st.db())
                + ".row_tombstone t WHERE table_name = ? AND deleted_by = @@global.server_id AND id = (SELECT MAX(id)"
                + " FROM " + RowImages.q(st.db()) + ".row_tombstone u WHERE u.table_name = t.table_name AND"
                + " u.row_id = t.row_id) AND NOT EXISTS (SELECT 1 FROM " + RowImages.q(st.db()) + "."
                + RowImages.q(st.table()) + " x WHERE x.id = t.row_id) ORDER BY id DESC LIMIT 500")) {
            ps.setString(1, st.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    back.add(RowImages.parse(rs.getString(1)));
                }
            }
        }
        if (back.isEmpty()) {
            return null;
        }
        for (Map<String, Object> row : back) {
            RowImages.write(c, st.db(), st.table(), row, true);
        }
        return new Step() {
            public void undo() throws SQLException {
                for (Map<String, Object> row : back) {
                    RowImages.delete(c, st.db(), st.table(), RowImages.id(row));
                }
            }

            public List<Outcome> finish() throws SQLException {
                List<Outcome> out = new ArrayList<>();
                for (Map<String, Object> row : back) {
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
        Map<String, Object> mine = RowImages.parse(local.get());
        RowImages.delete(c, st.db(), st.table(), RowImages.id(mine));
        return new Step() {
            public void undo() throws SQLException {
                RowImages.write(c, st.db(), st.table(), mine, true);
            }

            public List<Outcome> finish() throws SQLException {
                String incoming = RowImages.read(c, st.db(), st.table(), column, st.dupValue()).orElseThrow();
                Map<String, Object> theirs = RowImages.parse(incoming);
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

    /** Applies the stopped transaction alone; the applier's error number after it, 0 when it applied. */
    private static int applyAlone(Statement s, ApplierStop st) throws SQLException {
        s.execute("STOP SLAVE '" + st.channel() + "'");
        s.execute("START SLAVE '" + st.channel() + "' UNTIL master_gtid_pos = '" + st.gtid() + "'");
        long deadline = System.nanoTime() + UNTIL_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = s.executeQuery("SHOW SLAVE '" + st.channel() + "' STATUS")) {
                if (rs.next() && !"Yes".equals(rs.getString("Slave_SQL_Running"))) {
                    return rs.getInt("Last_SQL_Errno");
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    private static void setStamps(Connection c, ApplierStop st, long id, String at, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + RowImages.q(st.db()) + "." + RowImages.q(st.table())
                + " SET changed_at = ?, changed_by = ? WHERE id = ?")) {
            ps.setString(1, "-".equals(at) ? null : at);
            ps.setString(2, "-".equals(by) ? null : by);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    private static String tombstone(Connection c, String db, String table, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT image FROM " + RowImages.q(db) + ".row_tombstone"
                + " WHERE table_name = ? AND row_id = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, table);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
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

    private static String siteOf(Connection c, long serverId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM cusp.site WHERE server_id = ?")) {
            ps.setLong(1, serverId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "server " + serverId;
            }
        } catch (SQLException e) {
            return "server " + serverId;
        }
    }
}
