package dev.cusp.check;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantObjects;
import dev.cusp.tenant.TenantRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The checksum work every site does on its own node: wait until a GTID position is applied,
 * then compute a chunk's checksum or its rows' CRCs. Plain consistent reads: no locks are
 * taken, so a primary's writers never wait on a check.
 */
final class LocalChecksums {
    private static final long SHAPE_TTL_NANOS = 10_000_000_000L;
    private final DataSource admin;
    private final TenantRegistry registry;
    private final Map<String, Cached> shapes = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(TableShape shape, long at) {
    }

    LocalChecksums(DataSource admin, TenantRegistry registry) {
        this.admin = admin;
        this.registry = registry;
    }

    String currentPos() {
        return ReplicationChannels.currentPos(admin);
    }

    /**
     * Waits until this node's {@code @@gtid_current_pos} covers {@code gtid} in every domain.
     * (Compared on the current position rather than with {@code MASTER_GTID_WAIT}: a peer holds
     * its own domain in its binary log, not in its replica position.)
     */
    void await(String gtid, Duration timeout) {
        ReplicationChannels.awaitCovered(admin, gtid, timeout);
    }

    /**
     * A table's shape as read within the last few seconds: a check asks for the same table once
     * per chunk, and reading {@code information_schema} each time costs more than a small chunk.
     */
    TableShape shape(String db, String table) {
        String k = db + "." + table;
        Cached c = shapes.get(k);
        if (c == null || System.nanoTime() - c.at() > SHAPE_TTL_NANOS) {
            c = new Cached(freshShape(db, table), System.nanoTime());
            shapes.put(k, c);
        }
        return c.shape();
    }

    /** A tenant database's table; refuses anything that is not a tenant's database at this site. */
    TableShape freshShape(String db, String table) {
        if (registry.all().stream().map(Tenant::dbName).noneMatch(db::equals)) {
            throw new CuspException(ErrorCode.NOT_FOUND, "no tenant database " + db + " at this site", "db");
        }
        try (Connection c = admin.getConnection()) {
            return TableShape.read(c, db, table);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Work on one connection, once the table is held as a base table. */
    @FunctionalInterface
    private interface OnTable<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} as the admin account on a practice table proven and held a base table
     * ({@link TenantObjects}): a view in its place would run the practice's code as admin.
     */
    private <T> T onTable(TableShape s, OnTable<T> work) {
        try (Connection c = admin.getConnection()) {
            return TenantObjects.withBaseTables(c, s.db(), List.of(s.table()), () -> work.run(c));
        } catch (SQLException e) {
            throw new IllegalStateException("checksum of " + s.db() + "." + s.table() + " failed: " + e.getMessage(), e);
        }
    }

    /** The checksum of the rows with key in [lo, hi] (the whole table when it has no usable key). */
    Chunk chunk(TableShape s, long lo, long hi) {
        String sql = "SELECT COUNT(*), COALESCE(BIT_XOR(" + s.rowCrc() + "), 0) FROM " + s.qualified()
                + (s.chunked() ? " WHERE " + TableShape.quote(s.key()) + " BETWEEN ? AND ?" : "");
        return onTable(s, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (s.chunked()) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Chunk(rs.getLong(1), rs.getLong(2), s.columnSignature());
                }
            }
        });
    }

    /** A table's lowest and highest key and its estimated rows (statistics); min and max null when empty. */
    record Span(Long min, Long max, long estimatedRows) {
        /** Rows per key between min and max, as the statistics tell. */
        double density() {
            if (min == null) {
                return 0;
            }
            double keys = (double) max - (double) min + 1;
            return Math.max(1, estimatedRows) / keys;
        }
    }

    Span span(TableShape s) {
        String k = TableShape.quote(s.key());
        String sql = "SELECT MIN(" + k + "), MAX(" + k + "), (SELECT table_rows FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_name = ?) FROM " + s.qualified();
        return onTable(s, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, s.db());
                ps.setString(2, s.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long min = rs.getLong(1);
                    if (rs.wasNull()) {
                        return new Span(null, null, 0);
                    }
                    return new Span(min, rs.getLong(2), rs.getLong(3));
                }
            }
        });
    }

    /** The optimizer's estimate of the rows with key in [lo, hi] (index dives: no rows are read). */
    long estimate(TableShape s, long lo, long hi) {
        String k = TableShape.quote(s.key());
        String sql = "EXPLAIN SELECT COUNT(*) FROM " + s.qualified() + " WHERE " + k + " BETWEEN ? AND ?";
        return onTable(s, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong("rows") : 0L;
                }
            }
        });
    }

    /** The key {@code n} rows on from {@code lo} (the end of a chunk of n rows), or null when fewer remain. */
    Long boundary(TableShape s, long lo, int n) {
        String k = TableShape.quote(s.key());
        String sql = "SELECT " + k + " FROM " + s.qualified() + " WHERE " + k + " >= ? ORDER BY " + k
                + " LIMIT 1 OFFSET ?";
        return onTable(s, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, lo);
                ps.setInt(2, n - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
    }

    /** Every row's CRC in [lo, hi], by key. */
    Map<Long, Long> rows(TableShape s, long lo, long hi) {
        String k = TableShape.quote(s.key());
        String sql = "SELECT " + k + ", " + s.rowCrc() + " FROM " + s.qualified() + " WHERE " + k
                + " BETWEEN ? AND ? ORDER BY " + k;
        return onTable(s, c -> {
            Map<Long, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }
}
