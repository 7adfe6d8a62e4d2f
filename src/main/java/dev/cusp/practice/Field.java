package dev.cusp.practice;

import java.util.Set;

/**
 * A writable column of a practice entity and the rule its JSON value must follow. The API's
 * validation ({@link JsonValues}), its OpenAPI document and the practice schema agree on it:
 * a test reads the schema's columns and checks every field against its column.
 *
 * @param required a create must give it (a NOT NULL column without a default)
 * @param nullable the column holds null: the field may be sent as null and reads back as null.
 *                 An optional field that is not nullable has a column default
 * @param ref      for {@link Kind#REF}: the table the id must exist in
 * @param allowed  for text: the only values accepted, or empty for any
 * @param pattern  for text: a regular expression the whole value must match, or null
 * @param unique   no two records may have the same value: a second one is a 409
 */
public record Field(String name, Kind kind, boolean required, boolean nullable, int maxLength, long min, long max,
                    String ref, Set<String> allowed, String pattern, boolean unique) {

    public enum Kind { TEXT, INT, REF, DECIMAL, DATE, DATETIME, BOOL }

    static Field text(String name, int maxLength) {
        return new Field(name, Kind.TEXT, false, true, maxLength, 0, 0, null, Set.of(), null, false);
    }

    static Field requiredText(String name, int maxLength) {
        return new Field(name, Kind.TEXT, true, false, maxLength, 0, 0, null, Set.of(), null, false);
    }

    /** One of a fixed set of words; the column has a default, so the field is never null. */
    static Field choice(String name, String... values) {
        return new Field(name, Kind.TEXT, false, false, 40, 0, 0, null, Set.of(values), null, false);
    }

    static Field pattern(String name, int maxLength, String regex) {
        return new Field(name, Kind.TEXT, false, true, maxLength, 0, 0, null, Set.of(), regex, false);
    }

    static Field requiredPattern(String name, int maxLength, String regex) {
        return new Field(name, Kind.TEXT, true, false, maxLength, 0, 0, null, Set.of(), regex, false);
    }

    static Field integer(String name, boolean required, long min, long max) {
        return new Field(name, Kind.INT, required, !required, 0, min, max, null, Set.of(), null, false);
    }

    static Field ref(String name, String table, boolean required) {
        return new Field(name, Kind.REF, required, !required, 0, 1, Long.MAX_VALUE, table, Set.of(), null, false);
    }

    static Field money(String name, boolean required) {
        return new Field(name, Kind.DECIMAL, required, !required, 0, 0, 99_999_999, null, Set.of(), null, false);
    }

    static Field date(String name, boolean required) {
        return new Field(name, Kind.DATE, required, !required, 0, 0, 0, null, Set.of(), null, false);
    }

    static Field dateTime(String name, boolean required) {
        return new Field(name, Kind.DATETIME, required, !required, 0, 0, 0, null, Set.of(), null, false);
    }

    /** True or false; the column defaults to false, so the field is never null. */
    static Field bool(String name) {
        return new Field(name, Kind.BOOL, false, false, 0, 0, 0, null, Set.of(), null, false);
    }

    /** This optional field's column has a default: it may be left out, but not set to null. */
    Field withDefault() {
        return new Field(name, kind, false, false, maxLength, min, max, ref, allowed, pattern, unique);
    }

    /** No two records may share this field's value (a unique key in the schema). */
    Field asUnique() {
        return new Field(name, kind, required, nullable, maxLength, min, max, ref, allowed, pattern, true);
    }
}
