package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One row of a practice table: its columns by name, in the order they came, each value as the
 * database or the request gave it (null included). The columns are known only at run time (the
 * entity specs, a table's {@code information_schema}), so a row holds them by name rather than as
 * a record per table; on the wire it is the plain JSON object {@code {column: value, ...}}.
 *
 * <p>The row takes the map it is given as its own and never changes it: whoever builds one fills
 * the map first and keeps no other use of it. {@link #with} and {@link #without} give new rows.
 */
public record Row(Map<String, Object> columns) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Row {
        columns = Collections.unmodifiableMap(columns);
    }

    @JsonValue
    @Override
    public Map<String, Object> columns() {
        return columns;
    }

    public Object get(String column) {
        return columns.get(column);
    }

    public boolean has(String column) {
        return columns.containsKey(column);
    }

    public Set<String> names() {
        return columns.keySet();
    }

    /** This row with {@code column} set to {@code value} (added at the end when new). */
    public Row with(String column, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(columns);
        m.put(column, value);
        return new Row(m);
    }

    public Row without(String column) {
        Map<String, Object> m = new LinkedHashMap<>(columns);
        m.remove(column);
        return new Row(m);
    }
}
