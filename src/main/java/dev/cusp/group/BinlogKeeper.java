package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.replication.BinlogPlan;
import dev.cusp.replication.GtidPos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The purge guard: this site deletes its own binary logs, and only those no member still needs
 * (see {@link BinlogPlan}), so a van away for a week does not come back to a purged log and a
 * re-seed. MariaDB's own expiry is off ({@code binlog_expire_logs_seconds=0}): it knows only the
 * replicas connected right now, and a disconnected one is exactly the one to keep logs for.
 * What each member holds is asked over the peer channel and remembered (in memory, and its
 * seed position from the membership before it was ever seen): a member that cannot be reached
 * is kept for at its last known position. Past the disk budget the oldest logs go anyway, with
 * an alert before (at 80%) and when it happens, naming the member and {@code cusp reseed}.
 * A DBA's manual {@code PURGE BINARY LOGS} cannot be prevented; the monitor detects its effect
 * (PURGED_BINLOG).
 */
final class BinlogKeeper {
    static final String ALERT = "binlog";
    private final Membership site;
    private final DataSource admin;
    private final Path dataDir;
    private final PeerClient peers;
    private final Monitor monitor;
    private final Duration retain;
    private final long budgetBytes;
    private final Map<String, String> lastKnown = new ConcurrentHashMap<>();

    /** {@code dataDir}: the node's data folder, where its binary logs are. */
    BinlogKeeper(Membership site, DataSource admin, Path dataDir, PeerClient peers, Monitor monitor, Duration retain,
                 long budgetBytes) {
        this.site = site;
        this.admin = admin;
        this.dataDir = dataDir;
        this.peers = peers;
        this.monitor = monitor;
        this.retain = retain;
        this.budgetBytes = budgetBytes;
    }

    /** Decides and purges once; returns the decision. */
    synchronized BinlogPlan.Decision run() {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL binlog_expire_logs_seconds = 0");
            List<BinlogPlan.File> files = files(s);
            Map<String, BinlogPlan.Member> members = members();
            BinlogPlan.Decision d = BinlogPlan.decide(files, members, Instant.now(), retain, budgetBytes);
            warn(d);
            if (d.purgeTo() != null) {
                if (!d.lostBy().isEmpty()) {
                    Group.LOG.warn("binlog: purging to {} over the budget of {} MB: {} will need a re-seed",
                            d.purgeTo(), budgetBytes / 1048576, d.lostBy());
                }
                s.execute("PURGE BINARY LOGS TO '" + d.purgeTo().replace("'", "") + "'");
                Group.LOG.info("binlog: purged the binary logs before {} (no member needs them{})", d.purgeTo(),
                        d.lostBy().isEmpty() ? "" : ", or over the budget");
            }
            return d;
        } catch (SQLException e) {
            throw new IllegalStateException("binlog: " + e.getMessage(), e);
        }
    }

    private void warn(BinlogPlan.Decision d) {
        Monitor m = monitor;
        String site = this.site.siteName();
        if (!d.lostBy().isEmpty()) {
            String who = String.join(", ", d.lostBy());
            m.siteAlert(ALERT, Fault.BINLOG_BUDGET, "binary logs that " + who + " has not applied are deleted now:"
                    + " they outgrew binlog.retain.max.mb (" + budgetBytes / 1048576 + " MB) at " + site,
                    "cusp reseed " + d.lostBy().get(0) + " (when it is back)");
        } else if (!d.retainedFor().isEmpty() && d.keptBytes() > budgetBytes * 8 / 10) {
            String who = String.join(", ", d.retainedFor().keySet());
            m.siteAlert(ALERT, Fault.BINLOG_BUDGET, "binary logs kept at " + site + " for " + who + " (not yet"
                    + " applied there) take " + (d.keptBytes() * 100 / budgetBytes) + "% of binlog.retain.max.mb ("
                    + budgetBytes / 1048576 + " MB); at 100% the oldest are deleted and " + who + " will need 'cusp"
                    + " reseed'", "bring " + who + " back online so it catches up, or raise binlog.retain.max.mb;"
                    + " if it is gone for good: cusp site remove " + d.retainedFor().keySet().iterator().next());
        } else {
            m.clearSiteAlert(ALERT);
        }
        if (!d.retainedFor().isEmpty()) {
            Group.LOG.info("binlog: keeping {} MB of expired binary logs for {}", d.retainedBytes() / 1048576,
                    d.retainedFor().keySet());
        }
    }

    private List<BinlogPlan.File> files(Statement s) throws SQLException {
        List<String[]> logs = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Path dir = dataDir;
        List<BinlogPlan.File> out = new ArrayList<>();
        for (String[] l : logs) {
            String start = "";
            try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + l[0].replace("'", "") + "' LIMIT 4")) {
                while (rs.next()) {
                    if ("Gtid_list".equals(rs.getString("Event_type"))) {
                        start = rs.getString("Info").replace("[", "").replace("]", "").trim();
                    }
                }
            }
            Instant written;
            try {
                written = Files.getLastModifiedTime(dir.resolve(l[0])).toInstant();
            } catch (IOException e) {
                written = Instant.now();
            }
            out.add(new BinlogPlan.File(l[0], Long.parseLong(l[1]), GtidPos.parse(start), written));
        }
        return out;
    }

    /** Every other member that is or will be replicating, at what it is known to hold. */
    private Map<String, BinlogPlan.Member> members() {
        Map<String, BinlogPlan.Member> out = new LinkedHashMap<>();
        for (Member m : site.known()) {
            if (m.name().equals(site.siteName()) || !(m.active() || Member.JOINING.equals(m.state()))) {
                continue;
            }
            String pos = null;
            try {
                JsonNode st = peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(3));
                pos = st.path("gtid_current_pos").asText(null);
            } catch (CuspException unreachable) {
                // Kept for at what it was last seen to hold.
            }
            if (pos != null) {
                lastKnown.put(m.name(), pos);
            } else {
                pos = lastKnown.getOrDefault(m.name(), m.seedGtid() == null ? "" : m.seedGtid());
            }
            out.put(m.name(), new BinlogPlan.Member(GtidPos.parse(pos), m.gtidDomainId()));
        }
        return out;
    }
}
