package dev.cusp.document;

import dev.cusp.error.CuspException;
import dev.cusp.practice.Actor;
import dev.cusp.practice.Records;
import dev.cusp.practice.SecurityLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code document} rows of one practice, on a connection of the practice's own database
 * user (the caller's transaction). The rows are the truth about which contents a practice has:
 * the store keeps bytes, these say which of them are referenced.
 */
public final class Documents {
    /** The category of a document an import could not match to a patient. */
    public static final String UNFILED = "unfiled";
    public static final int MAX_FILE_NAME = 255;
    public static final int MAX_CATEGORY = 40;
    public static final int MAX_DESCRIPTION = 255;

    private Documents() {
    }

    /**
     * Inserts the row of a stored content and logs it. The patient must exist (read with a
     * shared lock, so a concurrent delete waits); a 400 naming {@code patient_id} otherwise.
     */
    public static DocumentRecord insert(Connection c, Actor actor, NewDocument d, String sha256, long size)
            throws SQLException {
        return find(c, insertRow(c, actor, d, sha256, size, true)).orElseThrow();
    }

    /**
     * As {@link #insert}, answering the new row's id only; {@code checkPatient} false when the
     * caller already holds the patient's row in this transaction (an import, file after file of
     * one patient).
     */
    public static long insertRow(Connection c, Actor actor, NewDocument d, String sha256, long size,
                                 boolean checkPatient) throws SQLException {
        if (d.patientId() != null && checkPatient) {
            requirePatient(c, d.patientId(), true);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO document (patient_id, file_name, description,"
                + " mime_type, size_bytes, sha256, category, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            if (d.patientId() == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, d.patientId());
            }
            ps.setString(2, d.fileName());
            ps.setString(3, d.description());
            ps.setString(4, d.mimeType());
            ps.setLong(5, size);
            ps.setString(6, sha256);
            ps.setString(7, d.category());
            ps.setTimestamp(8, d.takenAt() == null ? null : Timestamp.valueOf(d.takenAt()));
            long id;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            SecurityLog.write(c, actor, "upload", "document", id, size + " bytes, sha256 " + sha256);
            return id;
        }
    }

    /** Refuses (400, field patient_id) a patient that does not exist. */
    public static void requirePatient(Connection c, long patientId, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM patient WHERE id = ?"
                + (lock ? " LOCK IN SHARE MODE" : ""))) {
            ps.setLong(1, patientId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CuspException.invalid("patient_id", "patient_id " + patientId + ": no such patient");
                }
            }
        }
    }

    public static Optional<DocumentRecord> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(record(rs)) : Optional.empty();
            }
        }
    }

    public static DocumentPage search(Connection c, DocumentQuery q) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.patientId() != null) {
            where.append(" AND patient_id = ?");
            args.add(q.patientId());
        }
        if (q.category() != null) {
            where.append(" AND category = ?");
            args.add(q.category());
        }
        if (q.takenFrom() != null) {
            where.append(" AND taken_at >= ?");
            args.add(Timestamp.valueOf(q.takenFrom()));
        }
        if (q.takenTo() != null) {
            where.append(" AND taken_at < ?");
            args.add(Timestamp.valueOf(q.takenTo()));
        }
        long total;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM document" + where)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        List<DocumentRecord> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + where + " ORDER BY id LIMIT ? OFFSET ?")) {
            bind(ps, args);
            ps.setInt(args.size() + 1, q.size());
            ps.setLong(args.size() + 2, (long) (q.page() - 1) * q.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(record(rs));
                }
            }
        }
        return new DocumentPage(items, q.page(), q.size(), total);
    }

    /** The bytes a practice's contents take, each content counted once (what a quota limits). */
    public static long usedBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(s), 0) FROM (SELECT MAX(size_bytes) s"
                + " FROM document WHERE sha256 IS NOT NULL GROUP BY sha256) d");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every content hash some row refers to. */
    public static Set<String> referenced(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sha256 FROM document WHERE sha256 IS NOT NULL")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** True when a row with this content, file name and patient (null: unfiled) exists: an import's "already here". */
    public static boolean exists(Connection c, String sha256, String fileName, Long patientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM document WHERE sha256 = ? AND file_name = ?"
                + " AND patient_id <=> ? LIMIT 1")) {
            ps.setString(1, sha256);
            ps.setString(2, fileName);
            ps.setObject(3, patientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static final String SELECT = "SELECT id, patient_id, file_name, description, mime_type, size_bytes,"
            + " sha256, category, taken_at, created_at, updated_at FROM document";

    private static DocumentRecord record(ResultSet rs) throws SQLException {
        long patient = rs.getLong(2);
        Long patientId = rs.wasNull() ? null : patient;
        long size = rs.getLong(6);
        Long sizeBytes = rs.wasNull() ? null : size;
        return new DocumentRecord(rs.getLong(1), patientId, rs.getString(3), rs.getString(4), rs.getString(5),
                sizeBytes, rs.getString(7), rs.getString(8), time(rs, 9), time(rs, 10), time(rs, 11));
    }

    private static String time(ResultSet rs, int col) throws SQLException {
        LocalDateTime t = rs.getObject(col, LocalDateTime.class);
        return t == null ? null : Records.dateTime(t, 3);
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }
}
