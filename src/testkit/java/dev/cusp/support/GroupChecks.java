package dev.cusp.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Site;
import dev.cusp.api.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the group tests and the replication benchmarks read from a site's replication, and the
 * one thing they do to it (route a channel through a {@link FaultyProxy}). One copy for both,
 * compiled against the main classes only: the benchmarks run without the test libraries, so
 * the waits and assertions built on these stay with each side.
 */
public final class GroupChecks {
    private GroupChecks() {
    }

    /** The node's {@code @@gtid_current_pos}, as MariaDB prints it. */
    public static String gtidCurrentPos(Site s) throws SQLException {
        try (Connection conn = s.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@gtid_current_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** CHECKSUM TABLE ... EXTENDED of every base table of a database, by table name. */
    public static Map<String, Long> checksums(Site s, String db) throws SQLException {
        try (Connection conn = s.node().adminConnection()) {
            return checksums(conn, db);
        }
    }

    /** The same over a connection of the node's admin account (a site in another process). */
    public static Map<String, Long> checksums(Connection conn, String db) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Statement st = conn.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + db + "' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + db + "`.`" + t + "` EXTENDED")) {
                    rs.next();
                    out.put(t, rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** A site's replication links as its status reports them: how many, and which are running. */
    public record Links(int total, Set<String> running, JsonNode status) {
        /** Exactly {@code n} links, every one receiving and applying. */
        public boolean allRunning(int n) {
            return total == n && running.size() == n;
        }
    }

    /**
     * Reads the site's own status; a link runs when its receiver and its applier both do. Counts
     * the node's replication channels: a link held on purpose (VERSION_MISMATCH, receiver "held")
     * is listed in the status but has no channel.
     */
    public static Links links(Site s) {
        JsonNode st = Json.MAPPER.valueToTree(s.group().localStatus());
        Set<String> running = new TreeSet<>();
        int total = 0;
        for (JsonNode l : st.path("links")) {
            if (l.path("receiver").asText().equals("held")) {
                continue;
            }
            total++;
            if (l.path("receiver").asText().equals("running") && l.path("applier").asText().equals("running")) {
                running.add(l.path("channel").asText());
            }
        }
        return new Links(total, running, st);
    }

    /**
     * Routes the channel {@code replica} pulls from {@code source} through a new proxy: STOP
     * SLAVE, CHANGE MASTER ... TO MASTER_PORT = proxy, START SLAVE. The site's reconciler leaves
     * a running channel's port alone. The proxy is closed again if the re-routing fails.
     */
    public static FaultyProxy routeThroughProxy(Site replica, Site source) throws SQLException {
        FaultyProxy p = new FaultyProxy(source.node().config().port());
        try (Connection conn = replica.node().adminConnection(); Statement st = conn.createStatement()) {
            String ch = "'" + source.group().siteName() + "'";
            st.execute("STOP SLAVE " + ch);
            st.execute("CHANGE MASTER " + ch + " TO MASTER_PORT = " + p.port());
            st.execute("START SLAVE " + ch);
        } catch (RuntimeException | SQLException e) {
            p.close();
            throw e;
        }
        return p;
    }
}
