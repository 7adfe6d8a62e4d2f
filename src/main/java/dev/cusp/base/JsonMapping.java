package dev.cusp.base;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one JSON mapper of the site, the CLI and the peer client, strict on input: duplicate keys
 * and trailing data are errors, so two readers of one message never see two different values.
 */
public final class JsonMapping {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private JsonMapping() {
    }

    /**
     * Reads a message of another site or of the admin API into its record. A field the sender
     * always writes (every record component not marked {@code @JsonInclude(NON_NULL)}) must be
     * there, null or not, so a renamed field fails here instead of reading as blank; a field the
     * record does not know is skipped, so a newer sender can add fields (sites of a group run
     * different versions during an update).
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public static <T> T read(JsonNode message, Class<T> type) {
        String missing = missing(message, MAPPER.constructType(type), "");
        if (missing != null) {
            throw new IllegalArgumentException("the answer is not a " + type.getSimpleName() + ": it has no '"
                    + missing + "'");
        }
        try {
            return MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).treeToValue(message, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the answer is not a " + type.getSimpleName() + ": "
                    + (e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** The path of the first field a record always has but {@code n} lacks, or null. */
    private static String missing(JsonNode n, JavaType type, String at) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            for (int i = 0; i < n.size(); i++) {
                String m = missing(n.get(i), type.getContentType(), at + "[" + i + "]");
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
        if (type.isMapLikeType()) {
            for (var e : n.properties()) {
                String m = missing(e.getValue(), type.getContentType(), at + "." + e.getKey());
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
        if (!type.isRecordType() || !n.isObject()) {
            return null;
        }
        BeanDescription d = MAPPER.getSerializationConfig().introspect(type);
        JsonInclude.Value byClass = d.findPropertyInclusion(JsonInclude.Value.empty());
        for (BeanPropertyDefinition p : d.findProperties()) {
            if (!p.couldSerialize()) {
                continue;
            }
            String path = at.isEmpty() ? p.getName() : at + "." + p.getName();
            JsonInclude.Include inc = byClass.withOverrides(p.findInclusion()).getValueInclusion();
            if (!n.has(p.getName())) {
                if (inc == null || inc == JsonInclude.Include.ALWAYS || inc == JsonInclude.Include.USE_DEFAULTS) {
                    return path;
                }
                continue;
            }
            String m = missing(n.get(p.getName()), p.getPrimaryType(), path);
            if (m != null) {
                return m;
            }
        }
        return null;
    }
}
