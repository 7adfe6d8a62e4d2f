package dev.cusp.practice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Create, read, update, delete and search for any {@link EntitySpec}, on a connection that
 * belongs to one tenant and is inside the caller's transaction. Table and column names come
 * only from the specs; every value is a bound parameter.
 */
public final class Records {
    public static final int MAX_PAGE_SIZE = 200;

    private Records() {
    }

    public static Row create(Connection c, Actor actor, EntitySpec spec, JsonNode body) throws SQLException {
        Row values = JsonValues.read(spec, body, true);
        checkReferences(c, spec, values);
        List<String> cols = new ArrayList<>(values.names());
        // RETURNING gives the stored row (its id, defaults and all) with the insert itself: one
        // round trip fewer than reading it back, in the same transaction.
        String sql = "INSERT INTO " + spec.table() + " (" + String.join(", ", cols) + ") VALUES ("
                + String.join(", ", cols.stream().map(x -> "?").toList()) + ") RETURNING *";
        Row row;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, cols, values);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("INSERT ... RETURNING into " + spec.table() + " returned no row");
                }
                row = row(rs);
            }
        } catch (SQLException e) {
            throw duplicate(spec, values, e);
        }
        long id = ((Number) row.get("id")).longValue();
        SecurityLog.write(c, actor, "create", spec.table(), id, "fields: " + String.join(", ", cols));
        return row;
    }

    public static Row read(Connection c, EntitySpec spec, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + spec.table() + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CuspException.notFound("no " + spec.label() + " with id " + id);
                }
                return row(rs);
            }
        }
    }

    public static Row update(Connection c, Actor actor, EntitySpec spec, long id, JsonNode body)
            throws SQLException {
        Row values = JsonValues.read(spec, body, false);
        lock(c, spec, id);
        checkReferences(c, spec, values);
        if (spec == Entities.PATIENTS && Long.valueOf(id).equals(values.get("guarantor_id"))) {
            values = values.with("guarantor_id", null);
        }
        List<String> cols = new ArrayList<>(values.names());
        String sql = "UPDATE " + spec.table() + " SET " + String.join(", ", cols.stream().map(x -> x + " = ?")
                .toList()) + " WHERE id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, cols, values);
            ps.setLong(cols.size() + 1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw duplicate(spec, values, e);
        }
        SecurityLog.write(c, actor, "update", spec.table(), id, "fields: " + String.join(", ", cols));
        return read(c, spec, id);
    }

    /**
     * Deletes a record, refusing while other rows point at it (naming them), and deleting
     * the rows it owns with it.
     */
    public static void delete(Connection c, Actor actor, EntitySpec spec, long id) throws SQLException {
        lock(c, spec, id);
        List<String> users = new ArrayList<>();
        for (EntitySpec.Reference r : spec.referencedBy()) {
            if (r.owned()) {
                continue;
            }
            List<Long> ids = idsWhere(c, r.table(), r.column(), id, 10);
            if (!ids.isEmpty()) {
                users.add(r.label() + " " + ids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).get()
                        + (ids.size() == 10 ? " and more" : ""));
            }
        }
        if (!users.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, spec.label() + " " + id + " is in use by " + String.join("; ",
                    users) + ". Point those records elsewhere first" + (spec == Entities.PATIENTS
                    ? " (or merge this patient into another)" : "") + "; nothing was deleted.");
        }
        int owned = 0;
        for (EntitySpec.Reference r : spec.referencedBy()) {
            if (r.owned()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + r.table() + " WHERE " + r.column()
                        + " = ?")) {
                    ps.setLong(1, id);
                    owned += ps.executeUpdate();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + spec.table() + " WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "delete", spec.table(), id, owned > 0 ? "with " + owned + " owned rows" : null);
    }

    /** One page of records matching the filters and the free-text prefix {@code q}. */
    public static RecordPage search(Connection c, EntitySpec spec, Map<String, String> params)
            throws SQLException {
        int page = intParam(params, "page", 1, 1, 1_000_000);
        int size = intParam(params, "size", 50, 1, MAX_PAGE_SIZE);
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String k = p.getKey();
            if (k.equals("page") || k.equals("size")) {
                continue;
            }
            if (k.equals("q")) {
                if (spec.search().isEmpty()) {
                    throw CuspException.invalid("q", spec.path() + " has no free-text search; filter by "
                            + String.join(", ", spec.filters()));
                }
                String like = likePrefix(p.getValue());
                where.append(" AND (").append(String.join(" OR ", spec.search().stream().map(col -> col + " LIKE ?")
                        .toList())).append(")");
                spec.search().forEach(col -> args.add(like));
                continue;
            }
            if (!spec.filters().contains(k)) {
                throw CuspException.invalid(k, "unknown search parameter '" + k + "' for " + spec.path()
                        + "; use q, page, size" + (spec.filters().isEmpty() ? "" : ", " + String.join(", ",
                        spec.filters())));
            }
            Field f = spec.field(k).orElseThrow();
            where.append(" AND ").append(k).append(" = ?");
            args.add(filterValue(f, p.getValue()));
        }
        long total;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + spec.table() + where)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        List<Row> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + spec.table() + where
                + " ORDER BY id LIMIT ? OFFSET ?")) {
            bindAll(ps, args);
            ps.setInt(args.size() + 1, size);
            ps.setLong(args.size() + 2, (long) (page - 1) * size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(row(rs));
                }
            }
        }
        return new RecordPage(items, page, size, total);
    }

    /**
     * A unique field's value taken by another record (MariaDB error 1062) is the caller's
     * conflict, a 409 naming the field; any other failure goes on as it was.
     */
    private static SQLException duplicate(EntitySpec spec, Row values, SQLException e) {
        if (MariaDbErrors.duplicateKey(e)) {
            for (Field f : spec.fields()) {
                if (f.unique() && values.get(f.name()) != null) {
                    throw new CuspException(ErrorCode.CONFLICT, "another " + spec.label() + " has " + f.name() + " '"
                            + values.get(f.name()) + "'; " + f.name() + " is unique", f.name(), e);
                }
            }
        }
        return e;
    }

    static void lock(Connection c, EntitySpec spec, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + spec.table() + " WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw CuspException.notFound("no " + spec.label() + " with id " + id);
                }
            }
        }
    }

    static List<Long> idsWhere(Connection c, String table, String column, long value, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE " + column
                + " = ? ORDER BY id LIMIT " + limit)) {
            ps.setLong(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static void checkReferences(Connection c, EntitySpec spec, Row values)
            throws SQLException {
        for (Field f : spec.fields()) {
            if (f.kind() == Field.Kind.REF && values.get(f.name()) instanceof Long id) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + f.ref() + " WHERE id = ?"
                        + " LOCK IN SHARE MODE")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw CuspException.invalid(f.name(), f.name() + " " + id + ": no such "
                                    + f.ref().replace('_', ' '));
                        }
                    }
                }
            }
        }
    }

    private static Object filterValue(Field f, String raw) {
        try {
            return switch (f.kind()) {
                case INT, REF -> Long.parseLong(raw);
                case BOOL -> {
                    if (!raw.equals("true") && !raw.equals("false")) {
                        throw new IllegalArgumentException();
                    }
                    yield Boolean.parseBoolean(raw);
                }
                case DATE -> LocalDate.parse(raw);
                default -> {
                    if (raw.length() > Math.max(f.maxLength(), 40)) {
                        throw new IllegalArgumentException();
                    }
                    yield raw;
                }
            };
        } catch (RuntimeException e) {
            throw CuspException.invalid(f.name(), "search parameter " + f.name() + "='" + (raw.length() > 40
                    ? raw.substring(0, 40) + "..." : raw) + "' is not a valid " + f.kind().name().toLowerCase());
        }
    }

    private static String likePrefix(String q) {
        if (q.isBlank() || q.length() > 100) {
            throw CuspException.invalid("q", "q must have 1 to 100 characters");
        }
        return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static int intParam(Map<String, String> params, String name, int def, int min, int max) {
        String v = params.get(name);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw CuspException.invalid(name, name + " must be a whole number from " + min + " to " + max);
        }
    }

    private static void bind(PreparedStatement ps, List<String> cols, Row values)
            throws SQLException {
        for (int i = 0; i < cols.size(); i++) {
            ps.setObject(i + 1, values.get(cols.get(i)));
        }
    }

    private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    /**
     * A date and time in one format per column: always with seconds, and with as many
     * fraction digits as the column keeps ({@code LocalDateTime.toString()} drops zero seconds
     * and trailing zeros, so the same column came out as 09:30, 09:30:15 or 09:30:15.120).
     */
    public static String dateTime(LocalDateTime t, int fractionDigits) {
        return t.format(DATE_TIME[Math.max(0, Math.min(fractionDigits, 6))]);
    }

    /** Replication bookkeeping (practice schema v3, conflict detection), not part of a record. */
    private static final java.util.Set<String> STAMPS = java.util.Set.of("changed_at", "changed_by", "base_at",
            "base_by");

    /**
     * One formatter per number of fraction digits, made once: parsing the pattern for every
     * value cost ~2% of the site's CPU per single-row read (a row has two timestamps).
     */
    private static final DateTimeFormatter[] DATE_TIME = java.util.stream.IntStream.rangeClosed(0, 6)
            .mapToObj(d -> DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss" + (d == 0 ? "" : "." + "S".repeat(d))))
            .toArray(DateTimeFormatter[]::new);

    static Row row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> m = new LinkedHashMap<>(md.getColumnCount() * 2); // no rehash while filling
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (STAMPS.contains(md.getColumnLabel(i))) {
                continue;
            }
            Object v = rs.getObject(i);
            if (v instanceof Timestamp ts) {
                v = dateTime(ts.toLocalDateTime(), md.getScale(i));
            } else if (v instanceof LocalDateTime ldt) {
                v = dateTime(ldt, md.getScale(i));
            } else if (v instanceof java.sql.Date d) {
                v = d.toLocalDate().toString();
            } else if (v instanceof LocalDate ld) {
                v = ld.toString();
            }
            m.put(md.getColumnLabel(i), v);
        }
        return new Row(m);
    }
}
