package dev.cusp.node;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * MariaDB's error numbers sorted into kinds, in one place for every layer: the replication
 * links (a link keeps the receiver's and the applier's last error numbers,
 * {@code Last_IO_Errno} and {@code Last_SQL_Errno}), the conflict resolver, and the API's
 * mapping of a failed statement to an answer. Cusp decides on the number, never on the
 * message text, which changes between versions; the one reading of text here,
 * {@link #binlogCase}, only words an explanation.
 */
public final class MariaDbErrors {
    private MariaDbErrors() {
    }

    /** What kind of trouble an error number means. */
    public enum Kind {
        /** No error. */
        NONE,
        /** The server cannot be reached or closed the connection; a replication receiver retries by itself. */
        NETWORK,
        /** A row to change is missing, a key is taken, or the practice triggers found a concurrent change. */
        CONFLICT,
        /** The source no longer holds (or never held) the binary log position a replica asks for. */
        PURGED_BINLOG,
        /** A table or database the statement names does not exist here. */
        MISSING_OBJECT,
        /** The server refused the account: wrong password, dropped, locked, expired or lacking a privilege. */
        AUTH,
        /** A replica cannot read or write its own relay log. */
        RELAY_LOG,
        /** A lock wait timed out, or the statement was chosen as a deadlock victim: trying again may work. */
        LOCK,
        /** The server refused a write because it is read-only. */
        READ_ONLY,
        /** A disk or a table is full. */
        DISK_FULL,
        /** Anything else: not understood, so never taken for healthy. */
        OTHER
    }

    /** Which row conflict a {@link Kind#CONFLICT} number is. */
    public enum Conflict {
        /** 1032: a row to update or delete is not there. */
        ROW_NOT_FOUND,
        /** 1062: a row to insert (or a unique value) is there already. */
        DUPLICATE_KEY,
        /** 1644: a SIGNAL; from the practice triggers it carries {@code cusp-conflict} (a concurrent change). */
        SIGNAL
    }

    /**
     * What a 1236 (the source cannot serve the binary log from the position asked) says in
     * words. Every case is {@link Kind#PURGED_BINLOG} to the decisions: none is mended by
     * replication, all by a re-seed.
     */
    public enum BinlogCase {
        /** The binary logs holding the position were purged at the source. */
        PURGED,
        /** The replica asks from a GTID the source never had: the replica holds transactions the source lacks. */
        NOT_IN_SOURCE,
        /** An event is larger than {@code max_allowed_packet}. */
        TOO_LARGE,
        /** Another reading failure (a truncated or damaged binary log at the source). */
        OTHER
    }

    public static final int ROW_NOT_FOUND = 1032;
    public static final int DUPLICATE_KEY = 1062;
    public static final int SIGNAL = 1644;
    public static final int BINLOG_UNAVAILABLE = 1236;
    /** 1048: a column that may not be null was given null (the caller's input). */
    public static final int NOT_NULL = 1048;
    /** 1146: no such table. */
    public static final int NO_SUCH_TABLE = 1146;

    /**
     * Client and server errors of the connection itself: cannot connect (2002, 2003), unknown
     * host (2005), gone away or lost (2006, 2013), TLS handshake (2026), network read or write
     * (1158-1161), the server shutting down (1053) or ending the connection (1927).
     */
    static final Set<Integer> NETWORK = Set.of(2002, 2003, 2005, 2006, 2013, 2026, 1158, 1159, 1160, 1161, 1053,
            1927);
    /** 1032 key not found, 1062 duplicate key, 1644 the practice triggers' {@code cusp-conflict} signal. */
    static final Set<Integer> CONFLICT = Set.of(ROW_NOT_FOUND, DUPLICATE_KEY, SIGNAL);
    /** 1146 no such table, 1049 unknown database, 1051 unknown table (a DROP). */
    static final Set<Integer> MISSING_OBJECT = Set.of(NO_SUCH_TABLE, 1049, 1051);
    /**
     * 1045 access denied (password), 1044 database access denied, 1142 table access denied,
     * 1227 a privilege missing (REPLICATION SLAVE), 1698 access denied without password, 1862
     * and 1820 password expired, 3118 and 4151 account locked.
     */
    static final Set<Integer> AUTH = Set.of(1045, 1044, 1142, 1227, 1698, 1862, 1820, 3118, 4151);
    /** 1594 relay log read failure (a corrupt event), 1595 relay log write failure. */
    static final Set<Integer> RELAY_LOG = Set.of(1594, 1595);
    /** 1205 lock wait timeout, 1213 deadlock. */
    static final Set<Integer> LOCK = Set.of(1205, 1213);
    /** 1290 the server runs with read_only, 1836 a read-only transaction. */
    static final Set<Integer> READ_ONLY = Set.of(1290, 1836);
    /** 1021 disk full, 1114 table full, 3 error on write (EE_WRITE: the disk). */
    static final Set<Integer> DISK_FULL = Set.of(1021, 1114, 3);

    /** The kind of a MariaDB error number (0: none). */
    public static Kind kind(int errno) {
        if (errno == 0) {
            return Kind.NONE;
        }
        if (NETWORK.contains(errno)) {
            return Kind.NETWORK;
        }
        if (errno == BINLOG_UNAVAILABLE) {
            return Kind.PURGED_BINLOG;
        }
        if (CONFLICT.contains(errno)) {
            return Kind.CONFLICT;
        }
        if (MISSING_OBJECT.contains(errno)) {
            return Kind.MISSING_OBJECT;
        }
        if (AUTH.contains(errno)) {
            return Kind.AUTH;
        }
        if (RELAY_LOG.contains(errno)) {
            return Kind.RELAY_LOG;
        }
        if (LOCK.contains(errno)) {
            return Kind.LOCK;
        }
        if (READ_ONLY.contains(errno)) {
            return Kind.READ_ONLY;
        }
        if (DISK_FULL.contains(errno)) {
            return Kind.DISK_FULL;
        }
        return Kind.OTHER;
    }

    /** The kind of a failed statement, by its vendor code. */
    public static Kind kind(SQLException e) {
        return kind(e.getErrorCode());
    }

    /** True for errors of the connection itself, which a replication receiver retries by itself. */
    public static boolean network(int errno) {
        return NETWORK.contains(errno);
    }

    /** Which row conflict {@code errno} is; null when it is none. */
    public static Conflict conflict(int errno) {
        return switch (errno) {
            case ROW_NOT_FOUND -> Conflict.ROW_NOT_FOUND;
            case DUPLICATE_KEY -> Conflict.DUPLICATE_KEY;
            case SIGNAL -> Conflict.SIGNAL;
            default -> null;
        };
    }

    /** True for a duplicate key (1062): a unique value taken by another row. */
    public static boolean duplicateKey(SQLException e) {
        return e.getErrorCode() == DUPLICATE_KEY;
    }

    /** True for a table or database that does not exist (1146, 1049, 1051). */
    public static boolean missingObject(SQLException e) {
        return kind(e) == Kind.MISSING_OBJECT;
    }

    /** True when the server refused a write because it is read-only (1290, 1836). */
    public static boolean readOnly(SQLException e) {
        return kind(e) == Kind.READ_ONLY;
    }

    /**
     * True when the connection's database is gone: unknown database (1049, a new connection to
     * it) or no database selected (1046, a pooled connection whose database was dropped under
     * it), in {@code e} or in its causes (a pool gives the last failure as the cause of its timeout).
     */
    public static boolean databaseMissing(SQLException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException se && (se.getErrorCode() == 1049 || se.getErrorCode() == 1046)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Which case of 1236 a receiver's message words: only for explaining it. MariaDB 11.4 says
     * "...Probably the slave state is too old and required binlog files have been purged",
     * "...requested to start from GTID X, which is not in the master's binlog", or
     * "log event entry exceeded max_allowed_packet".
     */
    public static BinlogCase binlogCase(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("purged")) {
            return BinlogCase.PURGED;
        }
        if (m.contains("not in the master's binlog")) {
            return BinlogCase.NOT_IN_SOURCE;
        }
        if (m.contains("max_allowed_packet")) {
            return BinlogCase.TOO_LARGE;
        }
        return BinlogCase.OTHER;
    }
}
