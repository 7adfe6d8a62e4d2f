package dev.cusp.site;

import java.util.function.Function;

/**
 * One configuration setting: its name, environment variable, default, description and
 * parser. The parser throws {@link IllegalArgumentException} with a message that says what a
 * valid value looks like.
 */
public record Setting<T>(String key, String defaultValue, String description, Function<String, T> parser) {

    /** The environment variable that sets it: {@code pool.max} is {@code CUSP_POOL_MAX}. */
    public String env() {
        return "CUSP_" + key.toUpperCase().replace('.', '_');
    }

    static Setting<Integer> intRange(String key, int def, int min, int max, String description) {
        return new Setting<>(key, Integer.toString(def), description, s -> {
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be from " + min + " to " + max);
            }
            return v;
        });
    }

    static Setting<String> text(String key, String def, String pattern, String what, String description) {
        return new Setting<>(key, def, description, s -> {
            if (!s.matches(pattern)) {
                throw new IllegalArgumentException("must be " + what);
            }
            return s;
        });
    }
}
