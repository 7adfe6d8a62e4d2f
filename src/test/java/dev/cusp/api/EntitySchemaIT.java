package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record types, their validation, their OpenAPI schemas and the practice database agree.
 * The columns are read from information_schema as the practice's own database user: a NOT NULL
 * column without a default (and not auto-increment) must be a required field, and a create
 * without it is a 400 naming it, never the database's "doesn't have a default value" as a 500.
 */
class EntitySchemaIT {
    /** Replication's change stamps: kept by triggers, never part of a record. */
    private static final Set<String> STAMPS = Set.of("changed_at", "changed_by", "base_at", "base_by");
    /** Values for fields whose text must match a pattern. */
    private static final Map<String, String> SAMPLES = Map.of("code", "D", "npi", "1234567890",
            "email", "a@example.org", "phone_home", "555 0100", "phone_wireless", "555 0101", "phone", "555 0102",
            "tooth", "8", "surface", "MO", "sha256", "a".repeat(64));
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private static Practice p;
    /** table -> column -> {nullable, has default, auto increment} */
    private static Map<String, Map<String, Column>> schema;

    private record Column(boolean nullable, boolean hasDefault, boolean autoIncrement) {
    }

    @BeforeAll
    static void readSchema() {
        p = new Practice("schema");
        schema = new TreeMap<>();
        String out = p.sql("SELECT TABLE_NAME, COLUMN_NAME, IS_NULLABLE = 'YES', COLUMN_DEFAULT IS NOT NULL,"
                + " EXTRA LIKE '%auto_increment%' FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()");
        for (String line : out.split("\n")) {
            String[] c = line.split("\t");
            schema.computeIfAbsent(c[0], t -> new TreeMap<>()).put(c[1], new Column(c[2].equals("1"),
                    c[3].equals("1"), c[4].equals("1")));
        }
        assertThat(schema).as("practice tables read as the practice's user").containsKeys("patient", "procedure_code");
    }

    @Test
    void requiredFieldsAreExactlyTheColumnsWithoutDefault() {
        for (EntitySpec e : Entities.ALL) {
            Map<String, Column> cols = schema.get(e.table());
            Set<String> mustGive = new TreeSet<>();
            cols.forEach((name, c) -> {
                if (!c.nullable() && !c.hasDefault() && !c.autoIncrement()) {
                    mustGive.add(name);
                }
            });
            Set<String> required = new TreeSet<>(e.fields().stream().filter(Field::required).map(Field::name).toList());
            assertThat(required).as("required fields of %s (NOT NULL columns without a default)", e.path())
                    .isEqualTo(mustGive);
        }
    }

    @Test
    void everyColumnIsAFieldOrFilledByTheServerWithItsNullability() {
        for (EntitySpec e : Entities.ALL) {
            Map<String, Column> cols = new TreeMap<>(schema.get(e.table()));
            STAMPS.forEach(cols::remove);
            Map<String, Boolean> documented = new TreeMap<>();
            documented.put("id", false);
            for (Field f : e.fields()) {
                documented.put(f.name(), f.nullable());
            }
            for (Field f : Entities.filledByServer(e)) {
                documented.put(f.name(), f.nullable());
            }
            Map<String, Boolean> actual = new TreeMap<>();
            cols.forEach((name, c) -> actual.put(name, c.nullable()));
            assertThat(documented).as("columns of %s and whether each holds null", e.table()).isEqualTo(actual);
        }
    }

    @Test
    void aCreateWithoutARequiredFieldIs400NamingIt() {
        for (EntitySpec e : Entities.ALL) {
            Map<String, Object> valid = validBody(e);
            var created = p.post("/" + e.path(), valid);
            assertThat(created.status()).as("create %s %s -> %s", e.path(), valid, created.body()).isEqualTo(201);
            for (Field f : e.fields()) {
                if (!f.required()) {
                    continue;
                }
                Map<String, Object> without = new LinkedHashMap<>(validBody(e));
                without.remove(f.name());
                assertError(p.site.callUnchecked("POST", p.base + "/" + e.path(), p.token, without), 400,
                        "INVALID_INPUT", f.name(), e.path() + " without " + f.name());
                Map<String, Object> asNull = new LinkedHashMap<>(validBody(e));
                asNull.put(f.name(), null);
                assertError(p.site.callUnchecked("POST", p.base + "/" + e.path(), p.token, asNull), 400,
                        "INVALID_INPUT", f.name(), e.path() + " with " + f.name() + " null");
                if (f.kind() == Field.Kind.TEXT) {
                    Map<String, Object> blank = new LinkedHashMap<>(validBody(e));
                    blank.put(f.name(), "  ");
                    assertError(p.site.callUnchecked("POST", p.base + "/" + e.path(), p.token, blank), 400,
                            "INVALID_INPUT", f.name(), e.path() + " with " + f.name() + " blank");
                }
            }
        }
    }

    @Test
    void theFuzzersProcedureCodeIs400NotA500AndADuplicateCodeIs409() {
        assertError(p.site.callUnchecked("POST", p.base + "/procedure-codes", p.token,
                Map.of("description", "x", "category", "y")), 400, "INVALID_INPUT", "code", "no code");
        p.procedureCode("DUP1");
        assertError(p.post("/procedure-codes", Map.of("code", "DUP1", "description", "x", "category", "y")), 409,
                "CONFLICT", "code", "a code that exists");
    }

    @Test
    void anOptionalFieldWithADefaultCannotBeSetToNull() {
        long patient = p.patient("Default", "Null");
        assertError(p.site.callUnchecked("PUT", p.base + "/patients/" + patient, p.token,
                java.util.Collections.singletonMap("status", null)), 400, "INVALID_INPUT", "status", "status null");
        JsonNode read = p.read("patients", patient);
        assertThat(read.get("status").asText()).isEqualTo("active");
    }

    /** The required fields of a record type, with valid values; referenced records are made. */
    private static Map<String, Object> validBody(EntitySpec e) {
        Map<String, Object> b = new LinkedHashMap<>();
        for (Field f : e.fields()) {
            if (f.required()) {
                b.put(f.name(), value(f));
            }
        }
        return b;
    }

    private static Object value(Field f) {
        return switch (f.kind()) {
            case TEXT -> {
                if (!f.allowed().isEmpty()) {
                    yield new TreeSet<>(f.allowed()).first();
                }
                String v = SAMPLES.getOrDefault(f.name(), "Value");
                yield f.unique() ? v + UNIQUE.incrementAndGet() : v;
            }
            case INT -> Math.max(f.min(), 5);
            case DECIMAL -> 12.5;
            case DATE -> "2026-11-23";
            case DATETIME -> "2026-11-23T09:30:00";
            case BOOL -> true;
            case REF -> {
                EntitySpec target = Entities.ALL.stream().filter(x -> x.table().equals(f.ref())).findFirst()
                        .orElseThrow();
                var r = p.post("/" + target.path(), validBody(target));
                assertThat(r.status()).as("create %s -> %s", target.path(), r.body()).isEqualTo(201);
                yield r.json().get("id").asLong();
            }
        };
    }
}
