package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.support.TestSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document describes exactly the routes the server registers, each
 * templated operation declares its path parameters, and it carries what the API enforces.
 */
class OpenApiIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private static JsonNode document(TestSite site) {
        var r = site.call("GET", "/api/v1/openapi.json", null, null);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void documentsEveryRouteTheServerServesAndNoOther() {
        TestSite site = TestSite.shared();
        JsonNode doc = document(site);
        Set<String> served = new TreeSet<>();
        for (var route : site.site.api().routes()) {
            served.add(route.method().toLowerCase() + " " + route.path());
        }
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                documented.add(op.getKey() + " " + p.getKey());
            }
        }));
        assertThat(served).as("routes the server has").hasSizeGreaterThan(100)
                .contains("post /api/v1/t/{tenant}/logout", "put /api/v1/t/{tenant}/users/me/password",
                        "get /api/v1/admin/group/sites", "delete /api/v1/t/{tenant}/users/{user}",
                        "post /api/v1/t/{tenant}/users/{user}/lock", "get /api/v1/tls/crl");
        Set<String> missing = new TreeSet<>(served);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(served);
        assertThat(missing).as("served but not in the OpenAPI document").isEmpty();
        assertThat(extra).as("in the OpenAPI document but not served").isEmpty();
    }

    @Test
    void everyTemplatedOperationDeclaresItsPathParameters() {
        JsonNode doc = document(TestSite.shared());
        Pattern param = Pattern.compile("\\{([a-z_]+)}");
        List<String> wrong = new ArrayList<>();
        doc.get("paths").properties().forEach(p -> {
            Set<String> inPath = new TreeSet<>();
            Matcher m = param.matcher(p.getKey());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            p.getValue().properties().forEach(op -> {
                Set<String> declared = new TreeSet<>();
                op.getValue().path("parameters").forEach(x -> {
                    if (x.path("in").asText().equals("path")) {
                        assertThat(x.path("required").asBoolean()).as(p.getKey()).isTrue();
                        declared.add(x.path("name").asText());
                    }
                });
                if (!declared.equals(inPath)) {
                    wrong.add(op.getKey() + " " + p.getKey() + " declares " + declared);
                }
            });
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void recordTypesHaveRequestAndAnswerSchemasAndTheAnswersTheServerGives() {
        JsonNode doc = document(TestSite.shared());
        for (EntitySpec e : Entities.ALL) {
            String list = "/api/v1/t/{tenant}/" + e.path();
            assertThat(doc.at("/paths").has(list)).as(e.path()).isTrue();
            assertThat(doc.at("/paths/" + pointer(list) + "/post/responses").has("201")).as(list).isTrue();
            assertThat(doc.at("/paths/" + pointer(list + "/{id}") + "/delete/responses").has("204")).as(list)
                    .isTrue();
        }
        JsonNode create = doc.at("/components/schemas/PatientCreate");
        assertThat(create.at("/required").toString()).contains("last_name", "first_name");
        assertThat(create.at("/properties/birth_date/format").asText()).isEqualTo("date");
        assertThat(create.at("/properties/birth_date/type").toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(create.at("/properties/last_name/minLength").asInt()).isEqualTo(1);
        assertThat(create.at("/additionalProperties").asBoolean(true)).isFalse();
        JsonNode patient = doc.at("/components/schemas/Patient");
        assertThat(patient.at("/additionalProperties").isMissingNode()).as("answers may grow").isTrue();
        assertThat(patient.at("/properties").has("created_at")).isTrue();
        assertThat(patient.at("/properties").has("merged_into_id")).isTrue();
        assertThat(doc.at("/components/schemas/ProcedureCodeCreate/required").toString()).contains("\"code\"");
        String drop = pointer("/api/v1/admin/tenants/{name}");
        assertThat(doc.at("/paths/" + drop + "/delete/parameters").toString()).contains("\"confirm\"", "\"backup\"");
        assertThat(doc.at("/paths/~1metrics/get/responses/200/content").has("text/plain")).isTrue();
        // A caller must not read the 503 (its site's revocation list unknown here) as "not a member".
        assertThat(doc.at("/paths/" + pointer("/api/v1/peer/membership") + "/get/responses/503/content")
                .has("application/json")).isTrue();
        assertThat(doc.at("/paths/" + pointer("/api/v1/t/{tenant}/appointments") + "/get/parameters").toString())
                .contains("\"q\"", "\"page\"", "\"size\"", "\"provider_id\"");
    }

    @Test
    void aMethodAPathDoesNotTakeIs405WithAllowAndTheErrorObject() throws Exception {
        TestSite site = TestSite.shared();
        var t = site.newTenant("allow");
        String token = site.login(t);
        String base = "/api/v1/t/" + t.tenant().name();
        // Each of these answered 400 or 404 before: the path exists, for other methods.
        String[][] cases = {
            {"GET", base + "/patients/merge", "POST"},
            {"PUT", base + "/patients/merge", "POST"},
            {"GET", base + "/users", "POST"},
            {"GET", base + "/users/someone", "DELETE, PUT"},
            {"GET", base + "/login", "POST"},
            {"DELETE", base + "/patients", "GET, POST"},
            {"GET", base + "/users/me/password", "PUT"},
        };
        for (String[] c : cases) {
            var r = site.rawUnchecked(c[0], c[1], token, null);
            assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(405);
            assertThat(r.json().at("/error/code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        }
        var withHeaders = site.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(site.url + base
                + "/patients/merge")).header("Authorization", "Bearer " + token).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(withHeaders.statusCode()).isEqualTo(405);
        assertThat(withHeaders.headers().firstValue("Allow")).contains("POST");
        var health = site.rawUnchecked("POST", "/api/v1/health", null, null);
        assertThat(health.status()).isEqualTo(405);
        var nowhere = site.rawUnchecked("GET", "/api/v1/no-such-thing", null, null);
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
    }

    private static String pointer(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }
}
