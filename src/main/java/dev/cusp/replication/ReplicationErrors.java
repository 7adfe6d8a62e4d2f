package dev.cusp.replication;

import java.util.Set;

/**
 * MariaDB's replication errors sorted by their number, in one place. A link keeps the
 * receiver's and the applier's last error numbers ({@code Last_IO_Errno}, {@code Last_SQL_Errno});
 * Cusp decides on those, never on the message text, which changes between versions.
 */
public final class ReplicationErrors {
    private ReplicationErrors() {
    }

    /** What kind of trouble an error number means. */
    public enum Kind {
        /** No error. */
        NONE,
        /** The source cannot be reached or closed the connection; the receiver retries by itself. */
        NETWORK,
        /** A row to change is missing, a key is taken, or the practice triggers found a concurrent change. */
        ROW_CONFLICT,
        /** The source no longer holds (or never held) the binary log position this replica asks for. */
        PURGED_BINLOG,
        /** A table or database the change names does not exist here. */
        MISSING_OBJECT,
        /** The source refused the replication account: wrong password, dropped, locked or lacking a privilege. */
        AUTH,
        /** The replica cannot read or write its own relay log. */
        RELAY_LOG,
        /** The applier waited too long for a lock, or was chosen as a deadlock victim, more often than it retries. */
        LOCK,
        /** The server refused a write because it is read-only. */
        READ_ONLY,
        /** A disk or a table is full. */
        DISK_FULL,
        /** Anything else: not understood, so never taken for healthy. */
        OTHER
    }

    /**
     * Client and server errors of the connection itself: cannot connect (2002, 2003), unknown
     * host (2005), gone away or lost (2006, 2013), TLS handshake (2026), network read or write
     * (1158-1161), the source shutting down (1053) or ending the connection (1927).
     */
    static final Set<Integer> NETWORK = Set.of(2002, 2003, 2005, 2006, 2013, 2026, 1158, 1159, 1160, 1161, 1053,
            1927);
    /** 1032 key not found, 1062 duplicate key, 1644 the practice triggers' {@code cusp-conflict} signal. */
    static final Set<Integer> ROW_CONFLICT = Set.of(1032, 1062, 1644);
    /** 1146 no such table, 1049 unknown database, 1051 unknown table (a DROP). */
    static final Set<Integer> MISSING_OBJECT = Set.of(1146, 1049, 1051);
    /**
     * 1045 access denied (password), 1044 database access denied, 1227 a privilege missing
     * (REPLICATION SLAVE), 1698 access denied without password, 1862 and 1820 password expired,
     * 4151 account locked.
     */
    static final Set<Integer> AUTH = Set.of(1045, 1044, 1227, 1698, 1862, 1820, 4151);
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
        if (errno == 1236) {
            return Kind.PURGED_BINLOG;
        }
        if (ROW_CONFLICT.contains(errno)) {
            return Kind.ROW_CONFLICT;
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

    /** True for errors of the connection itself, which the receiver retries by itself. */
    public static boolean network(int errno) {
        return NETWORK.contains(errno);
    }
}
