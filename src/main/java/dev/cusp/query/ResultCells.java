package dev.cusp.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns streamed rows into JSON cells while keeping the answer small. Text and binary cells are
 * read as byte streams and only their first {@link #MAX_CELL_CHARS} characters (text) or
 * {@code MAX_CELL_CHARS / 2} bytes (binary, as hex) are decoded, so a cell of megabytes never
 * becomes a Java string. The answer's size is counted as the JSON it will be; the row that would
 * take it past {@code maxBytes} is not added. What one row costs in memory while it is read is
 * bounded by the driver (one row at a time) and by the server's {@code max_allowed_packet} per cell.
 */
final class ResultCells {
    /** Longest cell text returned; longer values are cut (and say so). */
    static final int MAX_CELL_CHARS = 4096;

    private final int[] types;
    private final long maxBytes;
    private long bytes;

    ResultCells(ResultSetMetaData md, long maxBytes) throws SQLException {
        this.types = new int[md.getColumnCount()];
        for (int i = 0; i < types.length; i++) {
            types[i] = md.getColumnType(i + 1);
        }
        this.maxBytes = maxBytes;
    }

    /** The current row as JSON values, or null when it would take the answer past its size limit. */
    List<Object> row(ResultSet rs) throws SQLException {
        List<Object> row = new ArrayList<>(types.length);
        long size = 2;
        for (int i = 0; i < types.length; i++) {
            Object v = switch (types[i]) {
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.CLOB, Types.NCHAR, Types.NVARCHAR,
                     Types.LONGNVARCHAR, Types.NCLOB -> text(rs.getBinaryStream(i + 1));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> binary(rs.getBinaryStream(i + 1));
                default -> value(rs.getObject(i + 1));
            };
            row.add(v);
            size += jsonSize(v) + 1;
        }
        if (bytes + size > maxBytes) {
            return null;
        }
        bytes += size;
        return row;
    }

    /** The first {@link #MAX_CELL_CHARS} characters of a UTF-8 cell (the driver's connection charset). */
    static String text(InputStream in) throws SQLException {
        if (in == null) {
            return null;
        }
        try (in) {
            byte[] head = in.readNBytes(MAX_CELL_CHARS * 4);
            long rest = in.transferTo(OutputStream.nullOutputStream());
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            CharBuffer out = CharBuffer.allocate(MAX_CELL_CHARS + 1);
            ByteBuffer bytesIn = ByteBuffer.wrap(head);
            d.decode(bytesIn, out, rest == 0);
            boolean whole = rest == 0 && !bytesIn.hasRemaining();
            out.flip();
            String t = out.toString();
            long total = head.length + rest;
            if (whole && t.length() <= MAX_CELL_CHARS) {
                return t;
            }
            int cut = Math.min(t.length(), MAX_CELL_CHARS);
            if (cut > 0 && Character.isHighSurrogate(t.charAt(cut - 1))) {
                cut--;
            }
            return t.substring(0, cut) + "... (" + total + " bytes)";
        } catch (IOException e) {
            throw new SQLException("reading a cell: " + e.getMessage(), e);
        }
    }

    /** A binary cell as hex, at most {@code MAX_CELL_CHARS / 2} bytes of it. */
    static String binary(InputStream in) throws SQLException {
        if (in == null) {
            return null;
        }
        try (in) {
            byte[] head = in.readNBytes(MAX_CELL_CHARS / 2);
            long rest = in.transferTo(OutputStream.nullOutputStream());
            return "0x" + HexFormat.of().formatHex(head) + (rest > 0 ? "... (" + (head.length + rest) + " bytes)" : "");
        } catch (IOException e) {
            throw new SQLException("reading a cell: " + e.getMessage(), e);
        }
    }

    /** A cell of another type as JSON: numbers and booleans stay, dates become ISO text. */
    static Object value(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof byte[] b) {
            return binary(b);
        }
        String t = v.toString();
        return t.length() > MAX_CELL_CHARS ? t.substring(0, MAX_CELL_CHARS) + "... (" + t.length() + " characters)"
                : t;
    }

    private static String binary(byte[] b) {
        String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, MAX_CELL_CHARS / 2));
        return "0x" + hex + (b.length > MAX_CELL_CHARS / 2 ? "... (" + b.length + " bytes)" : "");
    }

    /** How many bytes {@code v} takes in the JSON answer (escapes counted at their longest). */
    static long jsonSize(Object v) {
        if (v == null) {
            return 4;
        }
        if (!(v instanceof String s)) {
            return String.valueOf(v).length();
        }
        long n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x20 || c == '"' || c == '\\' ? 6 : c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
