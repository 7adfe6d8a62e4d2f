package dev.cusp.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cusp.error.CuspException;
import io.javalin.http.Context;

/** The one JSON mapper, strict on input: duplicate keys and trailing data are errors. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    /** The request body as a JSON object, or a 400 that says what is wrong with it. */
    public static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw CuspException.invalid("body", "the request needs a JSON object body");
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw CuspException.invalid("body", "the request body must be a JSON object");
            }
            return n;
        } catch (JsonParseException e) {
            throw CuspException.invalid("body", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw CuspException.invalid("body", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    public static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw CuspException.invalid(field, field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw CuspException.invalid(field, field + " must be a string");
        }
        return v.asText();
    }

    public static Long id(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw CuspException.invalid(field, field + " is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
            throw CuspException.invalid(field, field + " must be a positive whole number");
        }
        return v.asLong();
    }

    public static boolean bool(JsonNode body, String field, boolean def) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw CuspException.invalid(field, field + " must be true or false");
        }
        return v.asBoolean();
    }

    /** Refuses fields other than the ones listed. */
    public static void only(JsonNode body, String... allowed) {
        body.fieldNames().forEachRemaining(f -> {
            if (!java.util.Arrays.asList(allowed).contains(f)) {
                throw CuspException.invalid(f, "unknown field '" + f + "'; expected " + String.join(", ", allowed));
            }
        });
    }
}
