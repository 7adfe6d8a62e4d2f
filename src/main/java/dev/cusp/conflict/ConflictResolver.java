package dev.cusp.conflict;

import dev.cusp.error.CuspException;
import dev.cusp.replication.LinkState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * rows (the security-log line of every change) are kept. A channel with parallel appliers is
 * first made to apply one by one until it stops on the transaction again (only then is its relay
 * position exact), and goes back to parallel when the resolver is done. See README "Conflicts".
 */
public final class ConflictResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictResolver.class);
    private static final int UNTIL_SECONDS = 60;
    private final DataSource admin;
    private final String site;
    private final boolean auto;
    private final RowSteps rows;
    private volatile Set<String> brokenBefore = Set.of();
    /** Transactions this resolver could not resolve: left broken for a person, not retried every cycle. */
    private final Set<String> givenUp = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ConflictResolver(DataSource admin, String site, boolean auto, boolean deleteWins) {
        this.admin = admin;
        this.site = site;
        this.auto = auto;
        this.rows = new RowSteps(site, deleteWins);
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
            boolean parallel = parallel(s, channel);
            try {
                if (parallel && !reapplyOneByOne(s, channel)) {
                    return;
                }
                if (resolveStopped(c, s, channel) && !parallel) {
                    s.execute("STOP SLAVE '" + channel + "'");
                    s.execute("START SLAVE '" + channel + "'");
                }
            } finally {
                if (parallel) {
                    // Restarts the link too.
                    setMode(s, channel, "optimistic");
                }
            }
        }
    }

    /** Whether the channel applies with parallel workers. */
    private static boolean parallel(Statement s, String channel) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT @@GLOBAL.slave_parallel_threads")) {
            if (!rs.next() || rs.getInt(1) == 0) {
                return false;
            }
        }
        try (ResultSet rs = s.executeQuery("SHOW SLAVE '" + channel + "' STATUS")) {
            return rs.next() && !"none".equalsIgnoreCase(rs.getString("Parallel_Mode"));
        }
    }

    /**
     * Parallel appliers stop without saying where: their relay position stays where the channel
     * started, and the error does not name the transaction. One by one, the applier stops at the
     * transaction again, with its position exact. True when it stopped again on a conflict.
     */
    private static boolean reapplyOneByOne(Statement s, String channel) throws SQLException {
        setMode(s, channel, "none");
        long deadline = System.nanoTime() + UNTIL_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = s.executeQuery("SHOW SLAVE '" + channel + "' STATUS")) {
                if (rs.next() && !"Yes".equals(rs.getString("Slave_SQL_Running"))) {
                    return ApplierStop.resolvable(rs.getInt("Last_SQL_Errno"));
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Stops the channel, sets how it applies ({@code none}: one by one), and starts it again. */
    private static void setMode(Statement s, String channel, String mode) throws SQLException {
        s.execute("STOP SLAVE '" + channel + "'");
        s.execute("SET GLOBAL `" + channel + "`.slave_parallel_mode = '" + mode + "'");
        s.execute("START SLAVE '" + channel + "'");
    }

    /** Resolves the conflict the channel stopped on; false when it is not one this resolver takes. */
    private boolean resolveStopped(Connection c, Statement s, String channel) throws SQLException {
        Optional<ApplierStop> found = ApplierStop.read(s, channel);
        if (found.isEmpty() || !RowImages.stamped(c, found.get().db(), found.get().table())
                || givenUp.contains(channel + " " + found.get().gtid())) {
            return false;
        }
        ApplierStop first = found.get();
        String from = siteOf(c, first.originServerId());
        List<RowSteps.Step> steps = new ArrayList<>();
        List<RowSteps.Outcome> outcomes = new ArrayList<>();
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
                RowSteps.Step step;
                try {
                    step = rows.prepare(c, st, from);
                } catch (CuspException refused) {
                    // A practice object that is not a base table (TenantObjects logged which):
                    // left broken for a person, like any conflict the rule cannot resolve.
                    break;
                }
                if (step == null) {
                    break;
                }
                steps.add(step);
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
                for (RowSteps.Step step : steps) {
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
            RowSteps.Outcome o = outcomes.get(i);
            String db = first.db();
            if (o.conflict() == null && o.rewrite() == null && o.deleteFirst() == null) {
                continue;
            }
            String table = o.conflict() != null ? o.conflict().table() : String.valueOf(o.rewrite().get("__table"));
            if (o.deleteFirst() != null) {
                RowImages.delete(c, db, table, o.deleteFirst());
            }
            if (o.rewrite() != null) {
                RowImages.write(c, db, table, o.rewrite().without("__table"), false);
            }
            if (o.conflict() != null) {
                ConflictLog.record(c, db, o.conflict());
                LOG.warn("conflicts: {}.{} {}: {} won ({}); both versions are in conflict_log", db, table,
                        o.conflict().rowId(), o.conflict().winner(), o.conflict().rule());
            }
        }
        return true;
    }

    /** Applies the stopped transaction alone; the applier's error number after it, 0 when it applied. */
    static int applyAlone(Statement s, ApplierStop st) throws SQLException {
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
