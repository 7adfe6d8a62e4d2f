package dev.cusp.conflict;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cusp.tenant.TenantObjects;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whole-row images of a practice table as JSON objects (MariaDB's own {@code JSON_OBJECT}, the
 * same rendering the delete trigger keeps in {@code row_tombstone}), and writing one back.
 * Tables and columns come from {@code information_schema} and are quoted; values are bound. Every
 * read and write is of a base table, held so while it runs ({@link TenantObjects}): the admin
 * account runs these, and a view in a table's place would run the practice's code as admin.
 */
final class RowImages {
    static final List<String> STAMPS = List.of("changed_at", "changed_by", "base_at", "base_by");
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private RowImages() {
    }

    static List<String> columns(Connection c, String db, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
        }
        return cols;
    }

    /** True for a practice table that carries the change stamps (practice schema v3 or later). */
    static boolean stamped(Connection c, String db, String table) throws SQLException {
        return db.startsWith("od_") && columns(c, db, table).containsAll(STAMPS);
    }

    static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The row whose {@code column} equals {@code key}, as a JSON object; empty when absent. */
    static Optional<String> read(Connection c, String db, String table, String column, String key)
            throws SQLException {
        String obj = columns(c, db, table).stream().map(col -> "'" + col.replace("'", "''") + "', " + q(col))
                .collect(Collectors.joining(", "));
        return TenantObjects.withBaseTables(c, db, List.of(table), () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT JSON_OBJECT(" + obj + ") FROM " + q(db) + "."
                    + q(table) + " WHERE " + q(column) + " = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    static Row parse(String json) {
        try {
            return JSON.readValue(json, Row.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("bad row image: " + e.getMessage(), e);
        }
    }

    static String json(Row image) {
        try {
            return JSON.writeValueAsString(image);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version stamp of an image, "changed_at|changed_by", ordered oldest first; "" for none. */
    static String stamp(Row image) {
        Object at = image.get("changed_at");
        Object by = image.get("changed_by");
        if (at == null) {
            return "";
        }
        String id = by == null ? "" : by.toString();
        return at + "|" + "0".repeat(Math.max(0, 20 - id.length())) + id;
    }

    static long id(Row image) {
        return Long.parseLong(String.valueOf(image.get("id")));
    }

    /**
     * Writes {@code image} as the row (insert, or update of the row with its key). With
     * {@code asIs} every column is written as it is, stamps included (the caller has set
     * {@code @cusp_keep_stamps}); otherwise the stamps are left to the triggers, so the write is
     * a new change of this site.
     */
    static void write(Connection c, String db, String table, Row image, boolean asIs)
            throws SQLException {
        List<String> cols = new ArrayList<>();
        for (String col : columns(c, db, table)) {
            if (image.has(col) && (asIs || !STAMPS.contains(col))) {
                cols.add(col);
            }
        }
        String names = cols.stream().map(RowImages::q).collect(Collectors.joining(", "));
        String marks = cols.stream().map(x -> "?").collect(Collectors.joining(", "));
        String updates = cols.stream().filter(x -> !x.equals("id")).map(x -> q(x) + " = VALUES(" + q(x) + ")")
                .collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + q(db) + "." + q(table) + " (" + names + ") VALUES (" + marks
                + ") ON DUPLICATE KEY UPDATE " + updates;
        TenantObjects.withBaseTables(c, db, List.of(table), () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < cols.size(); i++) {
                    Object v = image.get(cols.get(i));
                    if (v == null) {
                        ps.setNull(i + 1, java.sql.Types.VARCHAR);
                    } else {
                        ps.setString(i + 1, v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString());
                    }
                }
                return ps.executeUpdate();
            }
        });
    }

    static void delete(Connection c, String db, String table, long id) throws SQLException {
        TenantObjects.withBaseTables(c, db, List.of(table), () -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + q(db) + "." + q(table)
                    + " WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }
}
