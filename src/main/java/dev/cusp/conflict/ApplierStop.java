package dev.cusp.conflict;

import dev.cusp.node.MariaDbErrors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a channel's applier stopped, read from {@code SHOW SLAVE 'name' STATUS} and the relay log,
 * classified by vendor code: 1644 with a {@code cusp-conflict} message (the practice triggers
 * found a concurrent update or delete), 1032 (a row to change or delete is missing), 1062 (a
 * row to insert already exists). Anything else is not a conflict and is left to {@code cusp reseed}.
 *
 * @param gtid   the stopped transaction's GTID (the first event at the applier's relay position)
 * @param kind   update, delete (1644), missing (1032) or duplicate (1062)
 * @param rowId  the row's id where the error names it (1644), else null
 * @param stamp  the version the incoming change was based on (1644): "at|by", parts may be "-"
 * @param dupKey the duplicate value and key name (1062)
 */
record ApplierStop(String channel, int errno, String message, String gtid, String db, String table, String kind,
                   Long rowId, String stampAt, String stampBy, String dupValue, String dupKey) {
    private static final Pattern TABLE = Pattern.compile("event on table ([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+);");
    private static final Pattern MARK = Pattern.compile("cusp-conflict (update|delete) ([a-z_]+) ([0-9]+) "
            + "(-|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}) (-|[0-9]+)");
    private static final Pattern DUP = Pattern.compile("Duplicate entry '(.*)' for key '([^']+)'");
    private static final Pattern GTID = Pattern.compile("GTID ([0-9]+-[0-9]+-[0-9]+)");

    /** The vendor codes a resolver may handle. */
    static boolean resolvable(int errno) {
        return MariaDbErrors.kind(errno) == MariaDbErrors.Kind.CONFLICT;
    }

    /** Reads the channel's stop; empty when the applier runs, or the error is not a row conflict. */
    static Optional<ApplierStop> read(Statement s, String channel) throws SQLException {
        String file;
        String pos;
        int errno;
        String message;
        try (ResultSet rs = s.executeQuery("SHOW SLAVE '" + channel + "' STATUS")) {
            if (!rs.next() || "Yes".equals(rs.getString("Slave_SQL_Running"))) {
                return Optional.empty();
            }
            errno = rs.getInt("Last_SQL_Errno");
            message = rs.getString("Last_SQL_Error");
            file = rs.getString("Relay_Log_File");
            pos = rs.getString("Relay_Log_Pos");
        }
        if (!resolvable(errno) || message == null) {
            return Optional.empty();
        }
        if (!file.matches("[A-Za-z0-9_.-]+") || !pos.matches("[0-9]+")) {
            return Optional.empty();
        }
        String gtid = null;
        try (ResultSet rs = s.executeQuery("SHOW RELAYLOG '" + channel + "' EVENTS IN '" + file + "' FROM " + pos
                + " LIMIT 1")) {
            if (rs.next()) {
                Matcher g = GTID.matcher(rs.getString("Info"));
                gtid = g.find() ? g.group(1) : null;
            }
        }
        return gtid == null ? Optional.empty() : of(channel, errno, message, gtid);
    }

    /** Classifies an applier error of the transaction {@code gtid}; empty when it is not a row conflict. */
    static Optional<ApplierStop> of(String channel, int errno, String message, String gtid) {
        Matcher t = TABLE.matcher(message);
        if (!resolvable(errno) || !t.find()) {
            return Optional.empty();
        }
        if (MariaDbErrors.conflict(errno) == MariaDbErrors.Conflict.SIGNAL) {
            Matcher m = MARK.matcher(message);
            if (!m.find() || !m.group(2).equals(t.group(2))) {
                return Optional.empty();
            }
            return Optional.of(new ApplierStop(channel, errno, message, gtid, t.group(1), t.group(2), m.group(1),
                    Long.parseLong(m.group(3)), m.group(4), m.group(5), null, null));
        }
        if (MariaDbErrors.conflict(errno) == MariaDbErrors.Conflict.DUPLICATE_KEY) {
            Matcher d = DUP.matcher(message);
            if (!d.find()) {
                return Optional.empty();
            }
            return Optional.of(new ApplierStop(channel, errno, message, gtid, t.group(1), t.group(2), "duplicate",
                    null, null, null, d.group(1), d.group(2)));
        }
        return Optional.of(new ApplierStop(channel, errno, message, gtid, t.group(1), t.group(2), "missing", null,
                null, null, null, null));
    }

    /** The GTID's origin server_id (domain-server-sequence). */
    long originServerId() {
        return Long.parseLong(gtid.split("-")[1]);
    }
}
