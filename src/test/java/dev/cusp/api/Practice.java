package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One test's own practice (tenant) on the shared site, logged in as its first administrator,
 * with short-hands for the API and for looking at the tenant's database with the real
 * {@code mariadb} client as the tenant's own database user.
 */
final class Practice {
    /** Every table of the practice schema, for "nothing changed" fingerprints. */
    static final List<String> TABLES = List.of("provider", "patient", "appointment", "procedure_code",
            "procedure_log", "fee_schedule", "fee", "carrier", "insurance_plan", "patient_plan", "document",
            "practice_user", "security_log");

    final TestSite site;
    final TenantService.Created created;
    final String name;
    final String base;
    final String token;

    Practice(String prefix) {
        site = TestSite.shared();
        created = site.newTenant(prefix);
        name = created.tenant().name();
        base = "/api/v1/t/" + name;
        token = site.login(created);
    }

    TestSite.Response get(String path) {
        return site.call("GET", base + path, token, null);
    }

    TestSite.Response post(String path, Object body) {
        return site.call("POST", base + path, token, body);
    }

    TestSite.Response put(String path, Object body) {
        return site.call("PUT", base + path, token, body);
    }

    TestSite.Response delete(String path) {
        return site.call("DELETE", base + path, token, null);
    }

    /**
     * A request that breaks the OpenAPI document on purpose (a value out of range, a field too
     * many): sent without checking it; the answer is still checked.
     */
    TestSite.Response invalid(String method, String path, Object body) {
        return site.callUnchecked(method, base + path, token, body);
    }

    /** Creates a record and returns its id, failing the test if the API refuses. */
    long create(String entity, Map<String, ?> body) {
        TestSite.Response r = post("/" + entity, body);
        assertThat(r.status()).as("create %s %s -> %s", entity, body, r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    JsonNode read(String entity, long id) {
        TestSite.Response r = get("/" + entity + "/" + id);
        assertThat(r.status()).as("read %s %d -> %s", entity, id, r.body()).isEqualTo(200);
        return r.json();
    }

    /** A search answer; {@code query} is given as name/value pairs and URL-encoded here. */
    TestSite.Response search(String entity, String... nameValues) {
        return get("/" + entity + query(nameValues));
    }

    /** The ids a search returns, checking it answered 200. */
    List<Long> ids(String entity, String... nameValues) {
        TestSite.Response r = search(entity, nameValues);
        assertThat(r.status()).as("search %s %s -> %s", entity, List.of(nameValues), r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(n -> ids.add(n.get("id").asLong()));
        assertThat(r.json().get("total").asLong()).as("total of %s", List.of(nameValues)).isEqualTo(ids.size());
        return ids;
    }

    static String query(String... nameValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.append(i == 0 ? "?" : "&").append(URLEncoder.encode(nameValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    long patient(String last, String first) {
        return create("patients", Map.of("last_name", last, "first_name", first));
    }

    long provider(String abbr) {
        return create("providers", Map.of("abbr", abbr, "last_name", "Dr " + abbr));
    }

    long procedureCode(String code) {
        return create("procedure-codes", Map.of("code", code, "description", "test code " + code,
                "category", "Testing"));
    }

    long carrier(String name) {
        return create("carriers", Map.of("name", name));
    }

    long plan(long carrier, String group) {
        return create("insurance-plans", Map.of("carrier_id", carrier, "group_name", group));
    }

    long feeSchedule(String description) {
        return create("fee-schedules", Map.of("description", description));
    }

    long appointment(long patient, long provider) {
        return create("appointments", Map.of("patient_id", patient, "provider_id", provider,
                "start_at", "2026-11-23T09:30:00", "length_minutes", 30));
    }

    long procedure(long patient, long provider, long code) {
        return create("procedures", Map.of("patient_id", patient, "provider_id", provider,
                "procedure_code_id", code, "proc_date", "2026-11-23"));
    }

    long patientPlan(long patient, long plan, int ordinal) {
        return create("patient-plans", Map.of("patient_id", patient, "insurance_plan_id", plan, "ordinal", ordinal));
    }

    long document(long patient, String file) {
        return create("documents", Map.of("patient_id", patient, "file_name", file));
    }

    /** Runs SQL in the tenant's database as the tenant's own database user; fails on error. */
    String sql(String sql) {
        TestSite.ClientResult r = site.mariadb(created.tenant().dbUser(), created.dbPassword(),
                "USE `" + created.tenant().dbName() + "`; " + sql);
        assertThat(r.exit()).as("%s -> %s", sql, r.output()).isZero();
        return r.output().trim();
    }

    long count(String table, String where) {
        return Long.parseLong(sql("SELECT COUNT(*) FROM " + table + (where == null ? "" : " WHERE " + where)));
    }

    /**
     * Row count and content checksum of every table: equal fingerprints mean nothing was
     * inserted, updated or deleted anywhere in the practice's database.
     */
    Map<String, String> fingerprint() {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder q = new StringBuilder("SELECT CONCAT_WS(' '");
        for (String t : TABLES) {
            q.append(", (SELECT COUNT(*) FROM ").append(t).append(")");
        }
        q.append("); CHECKSUM TABLE ").append(String.join(", ", TABLES));
        String[] lines = sql(q.toString()).split("\n");
        String[] counts = lines[0].trim().split(" ");
        for (int i = 0; i < TABLES.size(); i++) {
            m.put(TABLES.get(i), counts[i]);
        }
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].trim().split("\t");
            String table = p[0].substring(p[0].indexOf('.') + 1);
            m.put(table, m.get(table) + " rows, checksum " + p[1]);
        }
        return m;
    }

    /** Logs a practice user in and returns the whole answer. */
    TestSite.Response login(String user, String password) {
        return site.call("POST", base + "/login", null, Map.of("user", user, "password", password));
    }

    String tokenFor(String user, String password) {
        TestSite.Response r = login(user, password);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    /** The rows of the security log, newest first, optionally for one entity. */
    List<JsonNode> securityLog(String entity) {
        TestSite.Response r = get("/security-log" + (entity == null ? "" : query("entity", entity)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        r.json().get("items").forEach(rows::add);
        return rows;
    }

    /** A request with full access to the answer's headers. */
    HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(site.url + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return site.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asserts an error answer: the status, a JSON body {@code {"error":{code,message,field}}}
     * with the given code and field (null: no field), a message, and no stack trace.
     */
    static void assertError(TestSite.Response r, int status, String code, String field, String what) {
        assertThat(r.status()).as("%s: status of %s", what, r.body()).isEqualTo(status);
        assertNoTrace(r.body(), what);
        JsonNode e = r.json().get("error");
        assertThat(e).as("%s: error object in %s", what, r.body()).isNotNull();
        assertThat(e.path("code").asText()).as("%s: code in %s", what, r.body()).isEqualTo(code);
        assertThat(e.path("message").asText()).as("%s: message", what).isNotBlank();
        if (field == null) {
            assertThat(e.has("field")).as("%s: no field expected in %s", what, r.body()).isFalse();
        } else {
            assertThat(e.path("field").asText()).as("%s: field in %s", what, r.body()).isEqualTo(field);
        }
    }

    static void assertNoTrace(String body, String what) {
        assertThat(body).as("%s: no stack trace", what).doesNotContain("Exception").doesNotContain("at dev.cusp")
                .doesNotContain("at java.").doesNotContain("at io.javalin").doesNotContain("SQL");
    }
}
