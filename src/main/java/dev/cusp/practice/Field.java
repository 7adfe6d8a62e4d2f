package dev.cusp.practice;

import java.util.Set;

/**
 * A writable column of a practice entity and the rule its JSON value must follow.
 *
 * @param ref     for {@link Kind#REF}: the table the id must exist in
 * @param allowed for text: the only values accepted, or empty for any
 * @param pattern for text: a regular expression the value must match, or null
 */
public record Field(String name, Kind kind, boolean required, int maxLength, long min, long max, String ref,
                    Set<String> allowed, String pattern) {

    public enum Kind { TEXT, INT, REF, DECIMAL, DATE, DATETIME, BOOL }

    static Field text(String name, int maxLength) {
        return new Field(name, Kind.TEXT, false, maxLength, 0, 0, null, Set.of(), null);
    }

    static Field requiredText(String name, int maxLength) {
        return new Field(name, Kind.TEXT, true, maxLength, 0, 0, null, Set.of(), null);
    }

    static Field choice(String name, String... values) {
        return new Field(name, Kind.TEXT, false, 40, 0, 0, null, Set.of(values), null);
    }

    static Field pattern(String name, int maxLength, String regex) {
        return new Field(name, Kind.TEXT, false, maxLength, 0, 0, null, Set.of(), regex);
    }

    static Field integer(String name, boolean required, long min, long max) {
        return new Field(name, Kind.INT, required, 0, min, max, null, Set.of(), null);
    }

    static Field ref(String name, String table, boolean required) {
        return new Field(name, Kind.REF, required, 0, 1, Long.MAX_VALUE, table, Set.of(), null);
    }

    static Field money(String name, boolean required) {
        return new Field(name, Kind.DECIMAL, required, 0, 0, 99_999_999, null, Set.of(), null);
    }

    static Field date(String name, boolean required) {
        return new Field(name, Kind.DATE, required, 0, 0, 0, null, Set.of(), null);
    }

    static Field dateTime(String name, boolean required) {
        return new Field(name, Kind.DATETIME, required, 0, 0, 0, null, Set.of(), null);
    }

    static Field bool(String name) {
        return new Field(name, Kind.BOOL, false, 0, 0, 0, null, Set.of(), null);
    }
}
