package dev.cusp.wire;

import static dev.cusp.base.JsonMapping.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A row is written and read as the plain JSON object its columns make, in their order, nulls kept. */
class RowTest {
    @Test
    void writesAsThePlainObjectOfItsColumns() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 7L);
        m.put("name", "Mine");
        m.put("balance", new BigDecimal("12.50"));
        m.put("note", null);
        m.put("active", true);
        Row row = new Row(m);
        String json = MAPPER.writeValueAsString(row);
        assertThat(json).isEqualTo(MAPPER.writeValueAsString(m))
                .isEqualTo("{\"id\":7,\"name\":\"Mine\",\"balance\":12.50,\"note\":null,\"active\":true}");
        // Decimals read back exactly as RowImages reads them (BigDecimal), so the row writes the same again.
        Row back = MAPPER.readerFor(Row.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readValue(json);
        assertThat(back.names()).containsExactly("id", "name", "balance", "note", "active");
        assertThat(back.has("note")).isTrue();
        assertThat(back.get("note")).isNull();
        assertThat(MAPPER.writeValueAsString(back)).isEqualTo(json);
    }

    @Test
    void withAndWithoutLeaveTheRowAsItWas() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 1);
        m.put("guarantor_id", 5);
        Row row = new Row(m);
        Row changed = row.with("guarantor_id", null).with("__table", "patient");
        assertThat(changed.names()).containsExactly("id", "guarantor_id", "__table");
        assertThat(changed.get("guarantor_id")).isNull();
        assertThat(changed.without("__table").names()).containsExactly("id", "guarantor_id");
        assertThat(row.get("guarantor_id")).isEqualTo(5);
        assertThat(row.names()).containsExactly("id", "guarantor_id");
    }

    @Test
    void aConflictVersionCarriesItsImageAsAnObject() throws Exception {
        String json = "{\"site\":\"a\",\"change\":\"update\",\"image\":{\"id\":1,\"name\":\"x\"}}";
        ConflictVersion v = MAPPER.readValue(json, ConflictVersion.class);
        assertThat(v.image().get("name")).isEqualTo("x");
        assertThat(MAPPER.writeValueAsString(v)).isEqualTo(json);
        assertThat(MAPPER.writeValueAsString(new ConflictVersion("a", "delete", null)))
                .isEqualTo("{\"site\":\"a\",\"change\":\"delete\",\"image\":null}");
    }
}
