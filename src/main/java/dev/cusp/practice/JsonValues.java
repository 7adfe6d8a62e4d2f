package dev.cusp.practice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.wire.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a JSON object into column values, field by field, refusing anything that does not
 * fit: unknown fields, wrong types, too long, out of range. Errors name the field.
 */
final class JsonValues {
    private JsonValues() {
    }

    /**
     * @param creating when true, every required field must be present and not null; when
     *                 false (update), only the fields given are checked and changed
     */
    static Row read(EntitySpec spec, JsonNode body, boolean creating) {
        if (body == null || !body.isObject()) {
            throw CuspException.invalid("body", "the request body must be a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Field f = spec.field(name).orElseThrow(() -> CuspException.invalid(name, "unknown field '" + name
                    + "' for a " + spec.label() + "; known fields: " + String.join(", ",
                    spec.fields().stream().map(Field::name).toList())));
            out.put(name, value(f, body.get(name)));
        }
        if (creating) {
            for (Field f : spec.fields()) {
                if (f.required() && out.get(f.name()) == null) {
                    throw CuspException.invalid(f.name(), f.name() + " is required for a " + spec.label());
                }
            }
        } else if (out.isEmpty()) {
            throw CuspException.invalid("body", "nothing to change: give at least one field");
        }
        return new Row(out);
    }

    private static Object value(Field f, JsonNode v) {
        String n = f.name();
        if (v == null || v.isNull()) {
            if (f.required()) {
                throw CuspException.invalid(n, n + " cannot be null");
            }
            if (!f.nullable()) {
                // The column has a default and no null: leaving the field out keeps the default.
                throw CuspException.invalid(n, n + " cannot be null; leave it out instead");
            }
            return null;
        }
        switch (f.kind()) {
            case TEXT -> {
                if (!v.isTextual()) {
                    throw CuspException.invalid(n, n + " must be a string");
                }
                String s = v.asText();
                if (f.required() && s.isBlank()) {
                    throw CuspException.invalid(n, n + " cannot be blank");
                }
                if (s.length() > f.maxLength()) {
                    throw CuspException.invalid(n, n + " is too long: at most " + f.maxLength() + " characters");
                }
                if (!f.allowed().isEmpty() && !f.allowed().contains(s)) {
                    throw CuspException.invalid(n, n + " must be one of " + String.join(", ",
                            f.allowed().stream().sorted().toList()));
                }
                if (f.pattern() != null && !s.matches(f.pattern())) {
                    throw CuspException.invalid(n, n + " '" + shorten(s) + "' is not in the expected format");
                }
                if (s.indexOf('\0') >= 0) {
                    throw CuspException.invalid(n, n + " must not contain a NUL character");
                }
                if (s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE)) {
                    // A lone UTF-16 surrogate (JSON "\ud800") has no UTF-8 form: it would be stored as '?'.
                    throw CuspException.invalid(n, n + " contains an unpaired surrogate (not valid Unicode text)");
                }
                return s;
            }
            case INT, REF -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw CuspException.invalid(n, n + " must be a whole number");
                }
                long l = v.asLong();
                if (l < f.min() || l > f.max()) {
                    throw CuspException.invalid(n, n + " must be from " + f.min() + " to " + f.max());
                }
                return l;
            }
            case DECIMAL -> {
                if (!v.isNumber()) {
                    throw CuspException.invalid(n, n + " must be a number");
                }
                if (v.isFloatingPointNumber() && !v.isBigDecimal() && !Double.isFinite(v.doubleValue())) {
                    // 1e400 reads as an infinite double, which has no decimal value.
                    throw CuspException.invalid(n, n + " must be from " + f.min() + " to " + f.max());
                }
                BigDecimal d = v.decimalValue();
                if (d.scale() > 2 && d.stripTrailingZeros().scale() > 2) {
                    throw CuspException.invalid(n, n + " has more than 2 decimals");
                }
                if (d.compareTo(BigDecimal.valueOf(f.min())) < 0 || d.compareTo(BigDecimal.valueOf(f.max())) > 0) {
                    throw CuspException.invalid(n, n + " must be from " + f.min() + " to " + f.max());
                }
                return d;
            }
            case DATE -> {
                LocalDate d;
                try {
                    d = LocalDate.parse(text(f, v));
                } catch (DateTimeParseException e) {
                    throw CuspException.invalid(n, n + " must be a date like 1980-04-23");
                }
                if (d.getYear() < 1850 || d.getYear() > 2200) {
                    throw CuspException.invalid(n, n + " must be between the years 1850 and 2200");
                }
                return d;
            }
            case DATETIME -> {
                LocalDateTime d;
                try {
                    d = LocalDateTime.parse(text(f, v));
                } catch (DateTimeParseException e) {
                    throw CuspException.invalid(n, n + " must be a local date and time like 2026-11-23T09:30:00");
                }
                if (d.getYear() < 1900 || d.getYear() > 2200) {
                    throw CuspException.invalid(n, n + " must be between the years 1900 and 2200");
                }
                return d;
            }
            case BOOL -> {
                if (!v.isBoolean()) {
                    throw CuspException.invalid(n, n + " must be true or false");
                }
                return v.asBoolean();
            }
            default -> throw new IllegalStateException(f.kind().toString());
        }
    }

    private static String text(Field f, JsonNode v) {
        if (!v.isTextual()) {
            throw CuspException.invalid(f.name(), f.name() + " must be a string");
        }
        return v.asText();
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
