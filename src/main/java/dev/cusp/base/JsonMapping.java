package dev.cusp.base;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
     * Reads a message of another site or of the admin API into its record. A field the record
     * names but the message lacks is an error, so a renamed field fails here instead of reading
     * as blank; a field the record does not know is skipped, so a newer sender can add fields
     * (sites of a group run different versions during an update).
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public static <T> T read(JsonNode message, Class<T> type) {
        try {
            return reader(type).treeToValue(message, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the answer is not a " + type.getSimpleName() + ": "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage()
                    : e.getMessage()), e);
        }
    }

    private static ObjectReader reader(Class<?> type) {
        return MAPPER.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
