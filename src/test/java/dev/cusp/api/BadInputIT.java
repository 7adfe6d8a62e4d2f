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
 * Bad input gets a 4xx with a JSON body that names the problem, never a stack trace, and
 * nothing is written: every refusal is checked against a fingerprint (row counts and
 * checksums of every table, read with the real {@code mariadb} client) taken before it.
 */
class BadInputIT {
    /** The shared test site runs with the default request.max.bytes (1 MiB). */
    private static final int MAX_BODY = Settings.defaults().get(Settings.REQUEST_MAX_BYTES);

    /** One bad request and what it must answer. */
    private record Case(String what, String method, String path, String body, String field) {
    }

    private static Case post(String path, String body, String field) {
        return new Case(path + " " + body, "POST", path, body, field);
    }

    private static Case put(String path, String body, String field) {
        return new Case("PUT " + path + " " + body, "PUT", path, body, field);
    }

    /** Sends every case, expecting 400 naming the field, then checks nothing was written. */
    private static void refusedAndNothingWritten(Practice p, List<Case> cases) {
        Map<String, String> before = p.fingerprint();
        for (Case c : cases) {
            TestSite.Response r = p.site.rawUnchecked(c.method(), p.base + c.path(), p.token, c.body());
            assertError(r, 400, "INVALID_INPUT", c.field(), c.what());
        }
        assertThat(p.fingerprint()).as("nothing written").isEqualTo(before);
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A map with the pairs given plus the changes (a null value removes the key). */
    private static Map<String, Object> with(Map<String, Object> base, Object... changes) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < changes.length; i += 2) {
            if (changes[i + 1] == NONE) {
                m.remove((String) changes[i]);
            } else {
                m.put((String) changes[i], changes[i + 1]);
            }
        }
        return m;
    }

    /** Marks a key to remove in {@link #with}. */
    private static final Object NONE = new Object();

    /** Valid bodies for a few record types, in a practice that has what they point at. */
    private static final class Valid {
        final long patient;
        final long provider;
        final long code;
        final long carrier;
        final long plan;
        final long schedule;
        final long appointment;
        final Map<String, Object> patientBody = Map.of("last_name", "Valid", "first_name", "Vera");
        final Map<String, Object> appointmentBody;
        final Map<String, Object> procedureBody;
        final Map<String, Object> feeBody;
        final Map<String, Object> patientPlanBody;
        final Map<String, Object> documentBody;

        Valid(Practice p) {
            patient = p.patient("Base", "Bob");
            provider = p.provider("DOC");
            code = p.procedureCode("T0001");
            carrier = p.carrier("Carrier");
            plan = p.plan(carrier, "Group");
            schedule = p.feeSchedule("Standard");
            appointment = p.appointment(patient, provider);
            appointmentBody = Map.of("patient_id", patient, "provider_id", provider, "start_at",
                    "2026-11-23T09:30:00", "length_minutes", 30);
            procedureBody = Map.of("patient_id", patient, "provider_id", provider, "procedure_code_id", code,
                    "proc_date", "2026-11-23");
            feeBody = Map.of("fee_schedule_id", schedule, "procedure_code_id", code, "amount", 120.5);
            patientPlanBody = Map.of("patient_id", patient, "insurance_plan_id", plan);
            documentBody = Map.of("patient_id", patient, "file_name", "xray.png");
        }
    }

    @Test
    void malformedEmptyAndNonObjectBodiesAreRefused() {
        Practice p = new Practice("badjson");
        long patient = p.patient("Keep", "Kim");
        List<Case> cases = new ArrayList<>();
        String[] bad = {"{\"last_name\": \"A\", ", "{last_name: \"A\", first_name: \"B\"}",
            "{'last_name': 'A', 'first_name': 'B'}", "[]", "[{\"last_name\":\"A\",\"first_name\":\"B\"}]",
            "\"Smith\"", "42", "true", "null", "", "   ", "{\"last_name\":\"A\",\"first_name\":\"B\"} {}",
            "{\"last_name\":\"A\",\"last_name\":\"B\",\"first_name\":\"C\"}", "\u0000", "{\"last_name\":\"A\"",
            "<patient><last_name>A</last_name></patient>", "last_name=A&first_name=B"};
        for (String b : bad) {
            cases.add(post("/patients", b, "body"));
            cases.add(put("/patients/" + patient, b, "body"));
        }
        for (String path : List.of("/patients/merge", "/insurance-plans/combine", "/users", "/appointments",
                "/fee-schedules")) {
            cases.add(post(path, "", "body"));
            cases.add(post(path, "[1, 2]", "body"));
            cases.add(post(path, "\"text\"", "body"));
            cases.add(post(path, "{\"x\": ", "body"));
        }
        cases.add(new Case("PUT password empty", "PUT", "/users/me/password", "", "body"));
        cases.add(new Case("PUT password array", "PUT", "/users/me/password", "[]", "body"));
        refusedAndNothingWritten(p, cases);

        // The login endpoint is just as strict, and takes no token.
        for (String b : List.of("", "[]", "\"admin\"", "{\"user\": \"admin\"")) {
            TestSite.Response r = p.site.rawUnchecked("POST", p.base + "/login", null, b);
            assertError(r, 400, "INVALID_INPUT", "body", "login " + b);
        }
    }

    @Test
    void wrongTypesAreRefusedNamingTheField() {
        Practice p = new Practice("badtype");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        cases.add(post("/appointments", json(with(v.appointmentBody, "length_minutes", "30")), "length_minutes"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "length_minutes", 30.5)), "length_minutes"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "length_minutes", true)), "length_minutes"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "patient_id", 1.5)), "patient_id"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "patient_id", String.valueOf(v.patient))),
                "patient_id"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "provider_id", List.of(v.provider))),
                "provider_id"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "start_at", 1_795_000_000L)), "start_at"));
        cases.add(post("/patients", json(with(v.patientBody, "last_name", 42)), "last_name"));
        cases.add(post("/patients", json(with(v.patientBody, "first_name", false)), "first_name"));
        cases.add(post("/patients", json(with(v.patientBody, "first_name", List.of("Vera"))), "first_name"));
        cases.add(post("/patients", json(with(v.patientBody, "first_name", Map.of("x", "Vera"))), "first_name"));
        cases.add(post("/patients", json(with(v.patientBody, "birth_date", 19800101)), "birth_date"));
        cases.add(post("/patients", json(with(v.patientBody, "gender", true)), "gender"));
        cases.add(post("/patients", json(with(v.patientBody, "guarantor_id", 1.5)), "guarantor_id"));
        cases.add(post("/providers", json(Map.of("abbr", "X", "last_name", "Y", "is_hidden", "true")), "is_hidden"));
        cases.add(post("/providers", json(Map.of("abbr", "X", "last_name", "Y", "is_hidden", 1)), "is_hidden"));
        cases.add(post("/fees", json(with(v.feeBody, "amount", "120.50")), "amount"));
        cases.add(post("/fees", json(with(v.feeBody, "fee_schedule_id", 1e3)), "fee_schedule_id"));
        cases.add(post("/patient-plans", json(with(v.patientPlanBody, "ordinal", "1")), "ordinal"));
        cases.add(post("/documents", json(with(v.documentBody, "size_bytes", "12")), "size_bytes"));
        cases.add(put("/appointments/" + v.appointment, json(Map.of("length_minutes", "45")), "length_minutes"));
        cases.add(put("/patients/" + v.patient, json(Map.of("last_name", 7)), "last_name"));
        cases.add(post("/patients/merge", json(Map.of("from", String.valueOf(v.patient), "into", v.patient)),
                "from"));
        cases.add(post("/patients/merge", json(Map.of("from", v.patient, "into", 1.5)), "into"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", v.plan, "merge", "2")), "merge"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", v.plan, "merge", List.of("2"))), "merge"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", "1", "merge", List.of(2))), "keep"));
        cases.add(post("/users", json(Map.of("user_name", 5, "password", "x")), "user_name"));
        cases.add(post("/users", json(Map.of("user_name", "u", "password", "tundra-Quill-7-marmalade",
                "is_admin", "yes")), "is_admin"));
        refusedAndNothingWritten(p, cases);
    }

    @Test
    void unknownFieldsAreRefusedNamingTheField() {
        Practice p = new Practice("badfield");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        for (String f : List.of("ssn", "id", "created_at", "updated_at", "merged_into_id", "Last_Name", "")) {
            cases.add(post("/patients", json(with(v.patientBody, f, "x")), f));
        }
        cases.add(put("/patients/" + v.patient, json(Map.of("merged_into_id", v.patient)), "merged_into_id"));
        cases.add(put("/patients/" + v.patient, json(Map.of("first_name", "Ok", "nickname", "Bobby")), "nickname"));
        cases.add(put("/procedures/1", json(Map.of("date_tstamp", "2020-01-01T00:00:00")), "date_tstamp"));
        cases.add(post("/patients/merge", json(Map.of("from", v.patient, "into", v.patient + 1, "force", true)),
                "force"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", v.plan, "merge", List.of(v.plan + 1),
                "dry_run", true)), "dry_run"));
        cases.add(post("/users", json(Map.of("user_name", "u", "password", "tundra-Quill-7-marmalade", "role",
                "admin")), "role"));
        cases.add(new Case("password extra", "PUT", "/users/me/password", json(Map.of("current_password", "a",
                "new_password", "b", "user_id", 1)), "user_id"));
        refusedAndNothingWritten(p, cases);
        TestSite.Response r = p.site.callUnchecked("POST", p.base + "/login", null, Map.of("user",
                p.created.adminUser(), "password", p.created.adminPassword(), "remember_me", true));
        assertError(r, 400, "INVALID_INPUT", "remember_me", "login with an unknown field");
    }

    @Test
    void requiredFieldsMissingNullOrBlankAreRefused() {
        Practice p = new Practice("badreq");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        cases.add(post("/patients", json(Map.of("last_name", "Only")), "first_name"));
        cases.add(post("/patients", json(with(v.patientBody, "last_name", null)), "last_name"));
        cases.add(post("/patients", json(with(v.patientBody, "last_name", "")), "last_name"));
        cases.add(post("/patients", json(with(v.patientBody, "last_name", "   ")), "last_name"));
        cases.add(post("/patients", json(with(v.patientBody, "first_name", "\t\n")), "first_name"));
        cases.add(post("/patients", "{}", "last_name"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "start_at", NONE)), "start_at"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "patient_id", null)), "patient_id"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "length_minutes", NONE)), "length_minutes"));
        cases.add(post("/procedures", json(with(v.procedureBody, "procedure_code_id", NONE)), "procedure_code_id"));
        cases.add(post("/procedures", json(with(v.procedureBody, "proc_date", null)), "proc_date"));
        cases.add(post("/fees", json(with(v.feeBody, "amount", NONE)), "amount"));
        cases.add(post("/documents", json(with(v.documentBody, "file_name", " ")), "file_name"));
        cases.add(post("/carriers", "{}", "name"));
        cases.add(post("/insurance-plans", json(Map.of("group_name", "G")), "carrier_id"));
        cases.add(put("/patients/" + v.patient, json(with(Map.of(), "last_name", null)), "last_name"));
        cases.add(put("/patients/" + v.patient, json(Map.of("last_name", "")), "last_name"));
        cases.add(put("/appointments/" + v.appointment, json(with(Map.of(), "start_at", null)), "start_at"));
        cases.add(put("/patients/" + v.patient, "{}", "body"));
        cases.add(post("/patients/merge", json(Map.of("into", v.patient)), "from"));
        cases.add(post("/patients/merge", json(with(Map.of("from", v.patient), "into", null)), "into"));
        cases.add(post("/insurance-plans/combine", json(Map.of("merge", List.of(v.plan + 1))), "keep"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", v.plan)), "merge"));
        cases.add(post("/users", json(Map.of("password", "tundra-Quill-7-marmalade")), "user_name"));
        cases.add(post("/users", json(Map.of("user_name", "nopass")), "password"));
        refusedAndNothingWritten(p, cases);
    }

    @Test
    void nullForAColumnThatCannotBeNullIsRefusedNotA500() {
        Practice p = new Practice("badnull");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        cases.add(post("/patients", json(with(v.patientBody, "status", null)), "status"));
        cases.add(post("/patients", json(with(v.patientBody, "gender", null)), "gender"));
        cases.add(post("/providers", json(with(Map.of("abbr", "X", "last_name", "Y"), "is_hidden", null)),
                "is_hidden"));
        cases.add(post("/procedures", json(with(v.procedureBody, "fee", null)), "fee"));
        cases.add(post("/patient-plans", json(with(v.patientPlanBody, "ordinal", null)), "ordinal"));
        cases.add(post("/fee-schedules", json(with(Map.of("description", "D"), "fee_type", null)), "fee_type"));
        cases.add(put("/patients/" + v.patient, json(with(Map.of(), "status", null)), "status"));
        cases.add(put("/appointments/" + v.appointment, json(with(Map.of(), "status", null)), "status"));
        refusedAndNothingWritten(p, cases);
        // Optional columns that can be empty still take null.
        TestSite.Response r = p.put("/patients/" + v.patient, with(Map.of(), "birth_date", null, "email", null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("birth_date").isNull()).isTrue();
    }

    @Test
    void tooLongStringsAreRefusedAndTheLimitItselfIsAccepted() {
        Practice p = new Practice("badlong");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        cases.add(post("/patients", json(with(v.patientBody, "last_name", "L".repeat(101))), "last_name"));
        cases.add(post("/patients", json(with(v.patientBody, "middle_initial", "ABCDE")), "middle_initial"));
        cases.add(post("/patients", json(with(v.patientBody, "email", "a".repeat(250) + "@x.org")), "email"));
        cases.add(post("/patients", json(with(v.patientBody, "zip", "1".repeat(21))), "zip"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "note", "n".repeat(4001))), "note"));
        cases.add(post("/procedure-codes", json(Map.of("code", "D".repeat(16), "description", "d", "category",
                "c")), "code"));
        cases.add(post("/providers", json(Map.of("abbr", "A".repeat(17), "last_name", "Y")), "abbr"));
        cases.add(post("/providers", json(Map.of("abbr", "A", "last_name", "Y", "npi", "12345678901")), "npi"));
        cases.add(post("/documents", json(with(v.documentBody, "file_name", "f".repeat(256))), "file_name"));
        cases.add(put("/patients/" + v.patient, json(Map.of("first_name", "F".repeat(1000))), "first_name"));
        cases.add(post("/users", json(Map.of("user_name", "u".repeat(65), "password", "tundra-Quill-7-marmalade")),
                "user_name"));
        cases.add(post("/users", json(Map.of("user_name", "longpw", "password", "x".repeat(257))), "password"));
        // Also strings that are not in the expected format.
        cases.add(post("/patients", json(with(v.patientBody, "email", "not-an-email")), "email"));
        cases.add(post("/patients", json(with(v.patientBody, "phone_home", "call me")), "phone_home"));
        cases.add(post("/patients", json(with(v.patientBody, "last_name", "Nul\u0000Byte")), "last_name"));
        cases.add(post("/patients", "{\"last_name\":\"Lone\\ud800\",\"first_name\":\"B\"}", "last_name"));
        cases.add(post("/patients", "{\"last_name\":\"A\",\"first_name\":\"\\udc00B\"}", "first_name"));
        cases.add(post("/procedures", json(with(v.procedureBody, "tooth", "99;")), "tooth"));
        cases.add(post("/procedures", json(with(v.procedureBody, "surface", "XYZ")), "surface"));
        cases.add(post("/documents", json(with(v.documentBody, "sha256", "ABC")), "sha256"));
        refusedAndNothingWritten(p, cases);

        long id = p.create("patients", with(v.patientBody, "last_name", "L".repeat(100), "middle_initial", "ABCD"));
        assertThat(p.read("patients", id).get("last_name").asText()).hasSize(100);
        // Characters outside the BMP (a correctly paired surrogate) are stored as they are.
        long smile = p.create("patients", with(v.patientBody, "last_name", "Smile \uD83D\uDE00"));
        assertThat(p.read("patients", smile).get("last_name").asText()).isEqualTo("Smile \uD83D\uDE00");
    }

    @Test
    void valuesOutsideTheirChoicesAreRefused() {
        Practice p = new Practice("badenum");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        cases.add(post("/patients", json(with(v.patientBody, "gender", "f")), "gender"));
        cases.add(post("/patients", json(with(v.patientBody, "gender", "FEMALE")), "gender"));
        cases.add(post("/patients", json(with(v.patientBody, "status", "")), "status"));
        cases.add(post("/patients", json(with(v.patientBody, "status", "active ")), "status"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "status", "cancelled")), "status"));
        cases.add(post("/procedures", json(with(v.procedureBody, "status", "done")), "status"));
        cases.add(post("/fee-schedules", json(Map.of("description", "D", "fee_type", "discount")), "fee_type"));
        cases.add(post("/insurance-plans", json(Map.of("carrier_id", v.carrier, "plan_type", "hmo")), "plan_type"));
        cases.add(post("/patient-plans", json(with(v.patientPlanBody, "relationship", "cousin")), "relationship"));
        cases.add(put("/patients/" + v.patient, json(Map.of("status", "deleted")), "status"));
        refusedAndNothingWritten(p, cases);
    }

    @Test
    void badDatesAreRefused() {
        Practice p = new Practice("baddate");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        for (String d : List.of("1980-13-45", "yesterday", "1980-02-30", "2023-02-29", "1980/01/01", "01-02-1980",
                "1980-1-1", "", "1980-01-01T00:00:00", "1849-12-31", "2201-01-01")) {
            cases.add(post("/patients", json(with(v.patientBody, "birth_date", d)), "birth_date"));
        }
        cases.add(post("/procedures", json(with(v.procedureBody, "proc_date", "tomorrow")), "proc_date"));
        for (String t : List.of("2026-11-23 09:30:00", "2026-11-23T25:00:00", "2026-11-23T09:30:00Z",
                "2026-11-23T09:30:00+01:00", "2026-11-23", "tomorrow at noon", "1899-12-31T23:59:59")) {
            cases.add(post("/appointments", json(with(v.appointmentBody, "start_at", t)), "start_at"));
        }
        cases.add(put("/patients/" + v.patient, json(Map.of("birth_date", "1980-13-45")), "birth_date"));
        refusedAndNothingWritten(p, cases);
    }

    @Test
    void outOfRangeNumbersAreRefused() {
        Practice p = new Practice("badrange");
        Valid v = new Valid(p);
        List<Case> cases = new ArrayList<>();
        for (String n : List.of("0", "4", "721", "-30", "99999999999999999999999", "2147483648")) {
            cases.add(post("/appointments", json(with(v.appointmentBody, "length_minutes", NONE)).replace("}",
                    ",\"length_minutes\":" + n + "}"), "length_minutes"));
        }
        for (String n : List.of("-0.01", "100000000", "12.345", "1e400", "-1e400", "1E+9")) {
            cases.add(post("/fees", json(with(v.feeBody, "amount", NONE)).replace("}", ",\"amount\":" + n + "}"),
                    "amount"));
        }
        cases.add(post("/patient-plans", json(with(v.patientPlanBody, "ordinal", 0)), "ordinal"));
        cases.add(post("/patient-plans", json(with(v.patientPlanBody, "ordinal", 10)), "ordinal"));
        cases.add(post("/documents", json(with(v.documentBody, "size_bytes", -1)), "size_bytes"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "patient_id", 0)), "patient_id"));
        cases.add(post("/appointments", json(with(v.appointmentBody, "provider_id", -3)), "provider_id"));
        cases.add(put("/procedures/1", json(Map.of("fee", -5)), "fee"));
        cases.add(post("/patients/merge", json(Map.of("from", 0, "into", v.patient)), "from"));
        cases.add(post("/patients/merge", json(Map.of("from", v.patient, "into", -1)), "into"));
        cases.add(post("/insurance-plans/combine", json(Map.of("keep", v.plan, "merge", List.of(0))), "merge"));
        refusedAndNothingWritten(p, cases);
    }

    @Test
    void referencesToRowsThatDoNotExistAreRefusedNamingTheField() {
        Practice p = new Practice("badref");
        Valid v = new Valid(p);
        long missing = 987_654_321L;
        record RefCase(String path, Map<String, Object> body, String field) {
        }
        List<RefCase> cases = List.of(
                new RefCase("/appointments", with(v.appointmentBody, "patient_id", missing), "patient_id"),
                new RefCase("/appointments", with(v.appointmentBody, "provider_id", missing), "provider_id"),
                new RefCase("/procedures", with(v.procedureBody, "procedure_code_id", missing), "procedure_code_id"),
                new RefCase("/procedures", with(v.procedureBody, "appointment_id", missing), "appointment_id"),
                new RefCase("/patients", with(v.patientBody, "guarantor_id", missing), "guarantor_id"),
                new RefCase("/patients", with(v.patientBody, "primary_provider_id", missing), "primary_provider_id"),
                new RefCase("/patients", with(v.patientBody, "fee_schedule_id", missing), "fee_schedule_id"),
                new RefCase("/insurance-plans", Map.of("carrier_id", missing), "carrier_id"),
                new RefCase("/patient-plans", with(v.patientPlanBody, "insurance_plan_id", missing),
                        "insurance_plan_id"),
                new RefCase("/fees", with(v.feeBody, "fee_schedule_id", missing), "fee_schedule_id"),
                new RefCase("/documents", with(v.documentBody, "patient_id", missing), "patient_id"),
                new RefCase("/appointments/" + v.appointment, Map.of("provider_id", missing), "provider_id"),
                new RefCase("/patients/" + v.patient, Map.of("guarantor_id", missing), "guarantor_id"));
        Map<String, String> before = p.fingerprint();
        for (RefCase c : cases) {
            TestSite.Response r = c.path().matches(".*/[0-9]+") ? p.put(c.path(), c.body()) : p.post(c.path(),
                    c.body());
            assertError(r, 400, "INVALID_INPUT", c.field(), c.path() + " " + c.body());
            assertThat(r.json().at("/error/message").asText()).as(r.body()).contains(String.valueOf(missing));
        }
        assertThat(p.fingerprint()).isEqualTo(before);
        assertThat(p.read("appointments", v.appointment).get("provider_id").asLong()).isEqualTo(v.provider);
    }

    @Test
    void oversizedBodiesGet413AsJsonAndNothingIsWritten() throws Exception {
        Practice p = new Practice("badbig");
        long patient = p.patient("Big", "Ben");
        Map<String, String> before = p.fingerprint();
        String big = "{\"last_name\":\"" + "a".repeat(MAX_BODY) + "\",\"first_name\":\"B\"}";
        for (String[] req : List.of(new String[] {"POST", "/patients"}, new String[] {"PUT", "/patients/" + patient},
                new String[] {"POST", "/patients/merge"}, new String[] {"POST", "/users"})) {
            TestSite.Response r = p.site.rawUnchecked(req[0], p.base + req[1], p.token, big);
            assertError(r, 413, "PAYLOAD_TOO_LARGE", "body", req[0] + " " + req[1] + " oversized");
        }
        TestSite.Response login = p.site.rawUnchecked("POST", p.base + "/login", null, big);
        assertError(login, 413, "PAYLOAD_TOO_LARGE", "body", "oversized login");

        // Without a Content-Length (chunked), the limit must hold just the same.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(p.site.url + p.base + "/patients"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + p.token)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> r = p.site.http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertError(new TestSite.Response(r.statusCode(), r.body(), Json.MAPPER.readTree(r.body())), 413,
                "PAYLOAD_TOO_LARGE", "body", "chunked oversized body");
        assertThat(p.fingerprint()).isEqualTo(before);

        // Just under the limit is read, and refused for what it says, not for its size.
        String under = "{\"last_name\":\"" + "a".repeat(MAX_BODY - 100) + "\",\"first_name\":\"B\"}";
        assertError(p.site.rawUnchecked("POST", p.base + "/patients", p.token, under), 400, "INVALID_INPUT",
                "last_name", "large but allowed body");
        assertThat(p.fingerprint()).isEqualTo(before);

        // A small chunked body is read as usual.
        HttpResponse<String> small = p.site.http.send(HttpRequest.newBuilder(URI.create(p.site.url + p.base
                + "/patients")).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + p.token).POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                        new ByteArrayInputStream("{\"last_name\":\"Chunked\",\"first_name\":\"C\"}"
                                .getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).as(small.body()).isEqualTo(201);
        assertThat(p.ids("patients", "last_name", "Chunked")).hasSize(1);
    }
}
