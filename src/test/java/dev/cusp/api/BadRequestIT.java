package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static dev.cusp.api.Practice.assertNoTrace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.site.Settings;
import dev.cusp.support.TestSite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Bad requests beyond the body: search parameters (including SQL-injection strings), ids in
 * the path, unknown record types, and missing or garbage tokens. Each gets a JSON 4xx that names
 * the problem and never a stack trace.
 */
class BadRequestIT {
    @Test
    void sqlInjectionInSearchFindsOnlyWhatReallyMatches() {
        Practice p = new Practice("inject");
        long smith = p.patient("Smith", "Ann");
        long obrien = p.patient("O'Brien", "Pat");
        long pct = p.patient("%Percent", "Pam");
        long fifty = p.patient("50%Off", "Fay");
        long fiftyX = p.patient("50XOff", "Fay");
        long under = p.patient("Under_score", "Uma");
        long underX = p.patient("UnderXscore", "Una");
        long lead = p.patient("_Lead", "Lee");
        long slash = p.patient("Back\\slash", "Bea");
        long all = p.count("patient", null);
        Map<String, String> before = p.fingerprint();

        Map<List<String>, List<Long>> expect = new LinkedHashMap<>();
        expect.put(List.of("q", "x' OR 1=1 --"), List.of());
        expect.put(List.of("q", "' OR '1'='1"), List.of());
        expect.put(List.of("q", "Smith' OR 1=1 -- "), List.of());
        expect.put(List.of("q", "Smith\" OR \"\"=\""), List.of());
        expect.put(List.of("q", "'; DROP TABLE patient; --"), List.of());
        expect.put(List.of("q", "x') UNION SELECT * FROM practice_user -- "), List.of());
        expect.put(List.of("last_name", "' OR ''='"), List.of());
        expect.put(List.of("last_name", "Smith' -- "), List.of());
        expect.put(List.of("last_name", "Smith"), List.of(smith));
        expect.put(List.of("q", "%"), List.of(pct));
        expect.put(List.of("q", "_"), List.of(lead));
        expect.put(List.of("q", "%%"), List.of());
        expect.put(List.of("q", "50%"), List.of(fifty));
        expect.put(List.of("q", "50X"), List.of(fiftyX));
        expect.put(List.of("q", "Under_"), List.of(under));
        expect.put(List.of("q", "UnderX"), List.of(underX));
        expect.put(List.of("q", "Under"), List.of(under, underX));
        expect.put(List.of("q", "O'"), List.of(obrien));
        expect.put(List.of("q", "Back\\"), List.of(slash));
        expect.put(List.of("q", "\\"), List.of());
        expect.put(List.of("q", "\\%"), List.of());
        expect.put(List.of("q", "*"), List.of());
        expect.put(List.of("q", "Smi"), List.of(smith));
        expect.put(List.of("q", "mith"), List.of());
        for (Map.Entry<List<String>, List<Long>> e : expect.entrySet()) {
            String[] nv = e.getKey().toArray(String[]::new);
            TestSite.Response r = p.search("patients", nv);
            assertNoTrace(r.body(), e.getKey().toString());
            assertThat(p.ids("patients", nv)).as("%s", e.getKey()).containsExactlyElementsOf(e.getValue());
        }
        // A filter on a number column does not take SQL either.
        assertError(p.invalid("GET", "/patients" + Practice.query("guarantor_id", "1 OR 1=1"), null), 400,
                "INVALID_INPUT", "guarantor_id", "number filter with SQL");
        assertError(p.invalid("GET", "/appointments" + Practice.query("patient_id", smith + "; DELETE FROM patient"),
                null), 400, "INVALID_INPUT", "patient_id", "number filter with SQL");
        assertThat(p.count("patient", null)).isEqualTo(all);
        assertThat(p.fingerprint()).isEqualTo(before);
    }

    @Test
    void badSearchParametersAreRefusedNamingTheParameter() throws Exception {
        Practice p = new Practice("badsearch");
        p.patient("Search", "Sam");
        Map<String, String> before = p.fingerprint();
        record Q(String entity, String query, String field) {
        }
        List<Q> cases = List.of(
                new Q("patients", Practice.query("nickname", "Sam"), "nickname"),
                new Q("patients", Practice.query("first_name", "Sam"), "first_name"),
                new Q("patients", Practice.query("id", "1"), "id"),
                new Q("patients", Practice.query("page", "0"), "page"),
                new Q("patients", Practice.query("page", "-1"), "page"),
                new Q("patients", Practice.query("page", "abc"), "page"),
                new Q("patients", Practice.query("page", ""), "page"),
                new Q("patients", Practice.query("page", "99999999999"), "page"),
                new Q("patients", Practice.query("size", "0"), "size"),
                new Q("patients", Practice.query("size", "201"), "size"),
                new Q("patients", Practice.query("size", "1.5"), "size"),
                new Q("patients", Practice.query("q", ""), "q"),
                new Q("patients", Practice.query("q", "   "), "q"),
                new Q("patients", Practice.query("q", "x".repeat(101)), "q"),
                new Q("patients", "?q=a&q=b", "q"),
                new Q("patients", Practice.query("birth_date", "yesterday"), "birth_date"),
                new Q("patients", Practice.query("guarantor_id", "abc"), "guarantor_id"),
                new Q("patients", Practice.query("guarantor_id", "1.5"), "guarantor_id"),
                new Q("patients", Practice.query("last_name", "x".repeat(101)), "last_name"),
                new Q("providers", Practice.query("is_hidden", "yes"), "is_hidden"),
                new Q("fees", Practice.query("q", "x"), "q"),
                new Q("patient-plans", Practice.query("q", "x"), "q"),
                new Q("appointments", Practice.query("start_at", "2026-11-23T09:30:00"), "start_at"));
        for (Q c : cases) {
            TestSite.Response r = p.invalid("GET", "/" + c.entity() + c.query(), null);
            assertError(r, 400, "INVALID_INPUT", c.field(), c.entity() + c.query());
        }
        // A query string that is not valid percent-encoding is refused, not a server error.
        String raw = rawHttp(p, "GET " + p.base + "/patients?q=%ZZ HTTP/1.1");
        assertThat(raw).as(raw).startsWith("HTTP/1.1 400");
        assertNoTrace(raw, "bad percent-encoding");
        String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        assertError(new TestSite.Response(400, body, Json.MAPPER.readTree(body)), 400, "INVALID_INPUT", "q",
                "bad percent-encoding");
        assertThat(body).contains("percent-encoding");
        assertThat(p.fingerprint()).isEqualTo(before);
    }

    @Test
    void badIdsInThePathAndUnknownRecordTypes() {
        Practice p = new Practice("badpath");
        long patient = p.patient("Path", "Pia");
        Map<String, String> before = p.fingerprint();
        for (String id : List.of("abc", "1.5", "0", "-1", "99999999999999999999", "1e3", "0x10", "%20")) {
            assertError(p.invalid("GET", "/patients/" + id, null), 400, "INVALID_INPUT", "id", "GET id " + id);
            assertError(p.invalid("PUT", "/patients/" + id, Map.of("first_name", "X")), 400, "INVALID_INPUT", "id",
                    "PUT id " + id);
            assertError(p.invalid("DELETE", "/patients/" + id, null), 400, "INVALID_INPUT", "id", "DELETE id " + id);
        }
        assertError(p.get("/patients/987654321"), 404, "NOT_FOUND", null, "missing id");
        assertError(p.put("/patients/987654321", Map.of("first_name", "X")), 404, "NOT_FOUND", null, "missing id");
        assertError(p.delete("/patients/987654321"), 404, "NOT_FOUND", null, "missing id");
        for (String type : List.of("widgets", "patient", "Patients", "security_log", "practice_user",
                "security-logs", "logins")) {
            assertError(p.invalid("GET", "/" + type, null), 404, "NOT_FOUND", null, "GET type " + type);
            assertError(p.invalid("GET", "/" + type + "/" + patient, null), 404, "NOT_FOUND", null,
                    "GET one " + type);
            assertError(p.invalid("POST", "/" + type, Map.of("last_name", "X", "first_name", "Y")), 404, "NOT_FOUND",
                    null, "POST " + type);
            assertError(p.invalid("DELETE", "/" + type + "/" + patient, null), 404, "NOT_FOUND", null,
                    "DELETE " + type);
        }
        assertError(p.invalid("GET", "/patients/" + patient + "/appointments", null), 404, "NOT_FOUND", null,
                "nested path");
        // Users are added (POST), not listed: the path is served for another method.
        assertError(p.invalid("GET", "/users", null), 405, "METHOD_NOT_ALLOWED", null, "GET users");
        assertError(p.delete("/users/1"), 404, "NOT_FOUND", null, "DELETE a user");
        assertError(p.site.callUnchecked("GET", "/api/v1/t/no-such-practice/patients", p.token, null), 403,
                "FORBIDDEN", null, "unknown practice with a token of another");
        assertThat(p.fingerprint()).isEqualTo(before);
        assertThat(p.read("patients", patient).get("last_name").asText()).isEqualTo("Path");
    }

    @Test
    void missingOrGarbageTokensGet401AsJsonWithoutAStackTrace() {
        Practice p = new Practice("badtoken");
        long patient = p.patient("Token", "Tia");
        Map<String, String> before = p.fingerprint();
        List<String[]> endpoints = List.of(
                new String[] {"GET", "/patients", null},
                new String[] {"GET", "/patients/" + patient, null},
                new String[] {"GET", "/patients?q=Tok", null},
                new String[] {"POST", "/patients", "{\"last_name\":\"X\",\"first_name\":\"Y\"}"},
                new String[] {"PUT", "/patients/" + patient, "{\"last_name\":\"X\"}"},
                new String[] {"DELETE", "/patients/" + patient, null},
                new String[] {"POST", "/patients/merge", "{\"from\":" + patient + ",\"into\":" + (patient + 1) + "}"},
                new String[] {"POST", "/insurance-plans/combine", "{\"keep\":1,\"merge\":[2]}"},
                new String[] {"POST", "/users", "{\"user_name\":\"x\",\"password\":\"tundra-Quill-7-marmalade\"}"},
                new String[] {"PUT", "/users/me/password", "{\"current_password\":\"a\",\"new_password\":\"b\"}"},
                new String[] {"GET", "/security-log", null},
                new String[] {"POST", "/logout", null},
                // Authentication comes before anything else is looked at.
                new String[] {"POST", "/patients", "{not json"},
                new String[] {"PUT", "/patients/abc", "{\"last_name\":\"X\"}"},
                new String[] {"GET", "/patients?nickname=x", null},
                new String[] {"GET", "/widgets", null});
        List<Map<String, String>> auths = new ArrayList<>();
        auths.add(Map.of());
        auths.add(Map.of("Authorization", "Bearer garbage"));
        auths.add(Map.of("Authorization", "Bearer " + p.token + "x"));
        auths.add(Map.of("Authorization", "Bearer " + p.token.substring(1)));
        auths.add(Map.of("Authorization", "Bearer "));
        auths.add(Map.of("Authorization", p.token));
        auths.add(Map.of("Authorization", "Basic YWRtaW46YWRtaW4="));
        auths.add(Map.of("Authorization", "Bearer ' OR 1=1 --"));
        for (String[] e : endpoints) {
            for (Map<String, String> auth : auths) {
                Map<String, String> headers = new HashMap<>(auth);
                headers.put("Content-Type", "application/json");
                HttpResponse<String> r = p.send(e[0], p.base + e[1], headers, e[2]);
                String what = e[0] + " " + e[1] + " with " + auth;
                assertThat(r.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(ct ->
                        assertThat(ct).startsWith("application/json"));
                try {
                    assertError(new TestSite.Response(r.statusCode(), r.body(), Json.MAPPER.readTree(r.body())), 401,
                            "UNAUTHENTICATED", null, what);
                } catch (IOException ex) {
                    throw new AssertionError(what + ": not JSON: " + r.body(), ex);
                }
            }
        }
        assertThat(p.fingerprint()).isEqualTo(before);
        assertThat(p.get("/patients/" + patient).status()).isEqualTo(200);
    }

    /** Sends one raw HTTP/1.1 request line over TLS (for URLs Java's URI refuses) and returns the answer. */
    private static String rawHttp(Practice p, String requestLine) throws IOException {
        SSLContext ctx = sslContext(p);
        URI u = URI.create(p.site.url);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: " + u.getHost() + "\r\nAuthorization: Bearer " + p.token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SSLContext sslContext(Practice p) {
        return p.site.http.sslContext();
    }
}
