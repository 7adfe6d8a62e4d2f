package dev.cusp.check;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the checker needs to know about one table, read from {@code information_schema} at the
 * site that computes: its columns in order, and its key when it has a single-column integer
 * primary key (every practice table: {@code id BIGINT}). Builds the checksum expressions.
 *
 * <p>The row expression is pt-table-checksum's: {@code CRC32(CONCAT_WS('#', cols..., CONCAT(ISNULL(col)...)))}.
 * {@code CONCAT_WS} skips NULLs, so the NULL flags of the nullable columns are appended to
 * tell NULL from an empty string.
 */
record TableShape(String db, String table, String key, List<Column> columns) {
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");
    private static final Set<String> BINARY_TYPES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob",
            "longblob");

    record Column(String name, String type, boolean nullable) {
    }

    /** Reads a table's shape; NOT_FOUND when the database or table does not exist at this site. */
    static TableShape read(Connection c, String db, String table) throws SQLException {
        List<Column> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, is_nullable"
                + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(new Column(rs.getString(1), rs.getString(2).toLowerCase(), "YES".equals(rs.getString(3))));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new CuspException(ErrorCode.NOT_FOUND, "no table " + db + "." + table + " at this site", "table");
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.statistics"
                + " WHERE table_schema = ? AND table_name = ? AND index_name = 'PRIMARY' ORDER BY seq_in_index")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        String key = null;
        if (pk.size() == 1) {
            String k = pk.get(0);
            if (cols.stream().anyMatch(col -> col.name().equals(k) && INTEGER_TYPES.contains(col.type()))) {
                key = k;
            }
        }
        return new TableShape(db, table, key, List.copyOf(cols));
    }

    /** The base tables of a database, by name. */
    static List<String> tables(Connection c, String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    boolean chunked() {
        return key != null;
    }

    String qualified() {
        return quote(db) + "." + quote(table);
    }

    /** {@code CRC32(CONCAT_WS('#', ...))} of one row. */
    String rowCrc() {
        StringBuilder b = new StringBuilder("CRC32(CONCAT_WS('#'");
        StringBuilder nulls = new StringBuilder();
        for (Column col : columns) {
            b.append(", ").append(quote(col.name()));
            if (col.nullable()) {
                nulls.append(nulls.isEmpty() ? "" : ", ").append("ISNULL(").append(quote(col.name())).append(')');
            }
        }
        if (!nulls.isEmpty()) {
            b.append(", CONCAT(").append(nulls).append(')');
        }
        return b.append("))").toString();
    }

    /** A signature of the column list, so sites with different schemas are told apart from different data. */
    String columnSignature() {
        StringBuilder b = new StringBuilder();
        for (Column col : columns) {
            b.append(col.name()).append(' ').append(col.type()).append(col.nullable() ? "?" : "").append(',');
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** The row's values as SQL literals, one column each (hex for binary columns), for a statement-based rewrite. */
    String literals() {
        StringBuilder b = new StringBuilder();
        for (Column col : columns) {
            String q = quote(col.name());
            b.append(b.isEmpty() ? "" : ", ").append(BINARY_TYPES.contains(col.type())
                    ? "IF(" + q + " IS NULL, 'NULL', IF(LENGTH(" + q + ") = 0, '''''', CONCAT('0x', HEX(" + q + "))))"
                    : "QUOTE(" + q + ")");
        }
        return b.toString();
    }

    String columnList() {
        StringBuilder b = new StringBuilder();
        for (Column col : columns) {
            b.append(b.isEmpty() ? "" : ", ").append(quote(col.name()));
        }
        return b.toString();
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
