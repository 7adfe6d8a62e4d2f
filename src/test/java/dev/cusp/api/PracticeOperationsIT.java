package dev.cusp.api;

import static dev.cusp.api.Practice.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.practice.EntitySpec;
import dev.cusp.practice.Entities;
import dev.cusp.support.TestSite;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The destructive operations (merge patients, combine insurance plans, delete a fee schedule)
 * each in one transaction, and a create/read/update/search/delete round trip for every
 * record type. Outcomes are checked through the API and with the real {@code mariadb} client.
 */
class PracticeOperationsIT {
    private static final String MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    // ---------------------------------------------------------------- merge patients

    /** A patient with one of every kind of row that points at a patient. */
    private record Rich(long patient, long appt1, long appt2, long proc1, long proc2, long patientPlan, long document,
                        long family1, long family2) {
    }

    private static Rich rich(Practice p, long patient, long provider, long code, long plan) {
        long a1 = p.appointment(patient, provider);
        long a2 = p.appointment(patient, provider);
        long pr1 = p.create("procedures", Map.of("patient_id", patient, "provider_id", provider,
                "procedure_code_id", code, "proc_date", "2026-11-23", "appointment_id", a1));
        long pr2 = p.procedure(patient, provider, code);
        long pp = p.patientPlan(patient, plan, 1);
        long doc = p.document(patient, "pano.png");
        long f1 = p.create("patients", Map.of("last_name", "Kid", "first_name", "One", "guarantor_id", patient));
        long f2 = p.create("patients", Map.of("last_name", "Kid", "first_name", "Two", "guarantor_id", patient));
        return new Rich(patient, a1, a2, pr1, pr2, pp, doc, f1, f2);
    }

    /** Rows anywhere that still point at a patient. */
    private static long referencesTo(Practice p, long patient) {
        return Long.parseLong(p.sql("SELECT (SELECT COUNT(*) FROM appointment WHERE patient_id = " + patient
                + ") + (SELECT COUNT(*) FROM procedure_log WHERE patient_id = " + patient
                + ") + (SELECT COUNT(*) FROM patient_plan WHERE patient_id = " + patient
                + ") + (SELECT COUNT(*) FROM document WHERE patient_id = " + patient
                + ") + (SELECT COUNT(*) FROM patient WHERE guarantor_id = " + patient + ")"));
    }

    @Test
    void mergeMovesEveryReferenceToTheKeptPatientAndArchivesTheOther() {
        Practice p = new Practice("merge");
        long provider = p.provider("DOC");
        long code = p.procedureCode("M0001");
        long plan = p.plan(p.carrier("Delta"), "Acme");
        long a = p.patient("Dup", "Alice");
        long b = p.patient("Dupe", "Alice");
        Rich r = rich(p, a, provider, code, plan);
        long apptB = p.appointment(b, provider);
        assertThat(referencesTo(p, a)).isEqualTo(8);

        TestSite.Response m = p.post("/patients/merge", Map.of("from", a, "into", b));
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        assertThat(m.json().at("/kept/id").asLong()).isEqualTo(b);
        assertThat(m.json().get("merged_id").asLong()).isEqualTo(a);
        assertThat(m.json().at("/moved/appointment.patient_id").asInt()).isEqualTo(2);
        assertThat(m.json().at("/moved/procedure_log.patient_id").asInt()).isEqualTo(2);
        assertThat(m.json().at("/moved/patient_plan.patient_id").asInt()).isEqualTo(1);
        assertThat(m.json().at("/moved/document.patient_id").asInt()).isEqualTo(1);
        assertThat(m.json().at("/moved/patient.guarantor_id").asInt()).isEqualTo(2);

        assertThat(p.ids("appointments", "patient_id", String.valueOf(a))).isEmpty();
        assertThat(p.ids("appointments", "patient_id", String.valueOf(b))).containsExactly(r.appt1(), r.appt2(),
                apptB);
        assertThat(p.ids("procedures", "patient_id", String.valueOf(b))).containsExactly(r.proc1(), r.proc2());
        assertThat(p.read("procedures", r.proc1()).get("appointment_id").asLong()).isEqualTo(r.appt1());
        assertThat(p.ids("patient-plans", "patient_id", String.valueOf(b))).containsExactly(r.patientPlan());
        assertThat(p.ids("documents", "patient_id", String.valueOf(b))).containsExactly(r.document());
        assertThat(p.ids("patients", "guarantor_id", String.valueOf(b))).containsExactly(r.family1(), r.family2());
        assertThat(referencesTo(p, a)).isZero();

        JsonNode merged = p.read("patients", a);
        assertThat(merged.get("status").asText()).isEqualTo("archived");
        assertThat(merged.get("merged_into_id").asLong()).isEqualTo(b);
        assertThat(merged.get("guarantor_id").isNull()).isTrue();
        JsonNode kept = p.read("patients", b);
        assertThat(kept.get("status").asText()).isEqualTo("active");
        assertThat(kept.get("merged_into_id").isNull()).isTrue();

        List<JsonNode> log = p.securityLog("patient").stream().filter(n -> n.get("action").asText().equals("merge"))
                .toList();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("entity_id").asLong()).isEqualTo(b);
        assertThat(log.get(0).get("user_name").asText()).isEqualTo(p.created.adminUser());
        assertThat(log.get(0).get("details").asText()).contains("merged patient " + a + " into " + b);
        assertThat(log.get(0).get("logged_at").asText()).matches(MILLIS);
    }

    @Test
    void mergingAPatientIntoTheirOwnFamilyMemberLeavesNoReferenceToTheMergedPatient() {
        Practice p = new Practice("mergefam");
        long a = p.patient("Parent", "Pat");
        long b = p.create("patients", Map.of("last_name", "Parent", "first_name", "Pat", "guarantor_id", a));
        long sibling = p.create("patients", Map.of("last_name", "Kid", "first_name", "Sib", "guarantor_id", a));

        TestSite.Response m = p.post("/patients/merge", Map.of("from", a, "into", b));
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        // The kept patient was guaranteed by the merged one: now they are their own guarantor.
        assertThat(p.read("patients", b).get("guarantor_id").isNull()).as("kept patient's guarantor").isTrue();
        assertThat(m.json().at("/kept/guarantor_id").isNull()).isTrue();
        assertThat(p.read("patients", sibling).get("guarantor_id").asLong()).isEqualTo(b);
        assertThat(referencesTo(p, a)).isZero();

        // The other way round: the merged patient was guaranteed by the kept one.
        long c = p.patient("Head", "Hal");
        long d = p.create("patients", Map.of("last_name", "Head", "first_name", "Hal", "guarantor_id", c));
        assertThat(p.post("/patients/merge", Map.of("from", d, "into", c)).status()).isEqualTo(200);
        assertThat(p.read("patients", c).get("guarantor_id").isNull()).isTrue();
        assertThat(p.read("patients", d).get("guarantor_id").isNull()).isTrue();
        assertThat(p.read("patients", d).get("merged_into_id").asLong()).isEqualTo(c);
    }

    @Test
    void refusedMergesChangeNothing() {
        Practice p = new Practice("mergeno");
        long provider = p.provider("DOC");
        long code = p.procedureCode("M0002");
        long plan = p.plan(p.carrier("Delta"), "Acme");
        long a = p.patient("Dup", "Alice");
        long b = p.patient("Dupe", "Alice");
        rich(p, a, provider, code, plan);
        long missing = 987_654_321L;
        Map<String, String> before = p.fingerprint();

        assertError(p.post("/patients/merge", Map.of("from", a, "into", a)), 400, "INVALID_INPUT", "into",
                "merge into itself");
        assertError(p.post("/patients/merge", Map.of("from", a, "into", missing)), 404, "NOT_FOUND", null,
                "into unknown");
        assertError(p.post("/patients/merge", Map.of("from", missing, "into", b)), 404, "NOT_FOUND", null,
                "from unknown");
        assertError(p.post("/patients/merge", Map.of("from", missing, "into", missing + 1)), 404, "NOT_FOUND", null,
                "both unknown");
        TestSite.Response r = p.post("/patients/merge", Map.of("from", a, "into", missing));
        assertThat(r.json().at("/error/message").asText()).contains(String.valueOf(missing));

        assertThat(p.fingerprint()).as("nothing changed").isEqualTo(before);
        assertThat(referencesTo(p, a)).isEqualTo(8);
        assertThat(p.read("patients", a).get("status").asText()).isEqualTo("active");
        assertThat(p.securityLog("patient")).noneMatch(n -> n.get("action").asText().equals("merge"));
    }

    @Test
    void aPatientThatWasAlreadyMergedCannotBeMergedAgainOrMergedInto() {
        Practice p = new Practice("mergetwice");
        long provider = p.provider("DOC");
        long a = p.patient("Dup", "Alice");
        long b = p.patient("Dupe", "Alice");
        long c = p.patient("Third", "Alice");
        long apptC = p.appointment(c, provider);
        assertThat(p.post("/patients/merge", Map.of("from", a, "into", b)).status()).isEqualTo(200);
        Map<String, String> before = p.fingerprint();

        // Into an archived, merged patient: the records would vanish from view.
        TestSite.Response into = p.post("/patients/merge", Map.of("from", c, "into", a));
        assertError(into, 409, "CONFLICT", "into", "merge into a merged patient");
        assertThat(into.json().at("/error/message").asText()).contains(String.valueOf(b));
        // The merged one again: merged_into_id would be overwritten, even into a cycle.
        assertError(p.post("/patients/merge", Map.of("from", a, "into", c)), 409, "CONFLICT", "from",
                "merge a merged patient again");
        assertThat(p.fingerprint()).as("nothing changed").isEqualTo(before);
        assertThat(p.read("appointments", apptC).get("patient_id").asLong()).isEqualTo(c);
        assertThat(p.read("patients", a).get("merged_into_id").asLong()).isEqualTo(b);

        // Into the patient it was merged into is what works.
        assertThat(p.post("/patients/merge", Map.of("from", c, "into", b)).status()).isEqualTo(200);
        assertThat(p.read("appointments", apptC).get("patient_id").asLong()).isEqualTo(b);
    }

    @Test
    void aMergeThatFailsHalfwayLeavesEveryRowWhereItWas() {
        Practice p = new Practice("mergeatom");
        long provider = p.provider("DOC");
        long code = p.procedureCode("M0003");
        long plan = p.plan(p.carrier("Delta"), "Acme");
        long a = p.patient("Dup", "Alice");
        long b = p.patient("Dupe", "Alice");
        rich(p, a, provider, code, plan);
        Map<String, String> before = p.fingerprint();
        // Appointments, procedures and patient plans move before documents do: make the
        // document step fail, after the other rows were already moved in the transaction.
        withFailingTrigger(p, "BEFORE UPDATE ON document", () -> {
            TestSite.Response r = p.post("/patients/merge", Map.of("from", a, "into", b));
            assertError(r, 500, "INTERNAL", null, "merge failing halfway");
            assertThat(r.json().at("/error/message").asText()).contains("reference");
        });
        assertThat(p.fingerprint()).as("rolled back").isEqualTo(before);
        assertThat(referencesTo(p, a)).isEqualTo(8);
        assertThat(p.ids("appointments", "patient_id", String.valueOf(b))).isEmpty();

        // Without the fault the same merge goes through.
        assertThat(p.post("/patients/merge", Map.of("from", a, "into", b)).status()).isEqualTo(200);
        assertThat(referencesTo(p, a)).isZero();
    }

    // ---------------------------------------------------------------- combine plans

    @Test
    void combiningPlansMovesPatientPlansAndDeletesTheMergedPlans() {
        Practice p = new Practice("combine");
        long carrier = p.carrier("Delta");
        long keep = p.plan(carrier, "Keep");
        long m1 = p.plan(carrier, "Merge one");
        long m2 = p.plan(carrier, "Merge two");
        long other = p.plan(carrier, "Untouched");
        long p1 = p.patient("Both", "Kim");
        long p2 = p.patient("Only", "Mo");
        long p3 = p.patient("Only", "Mia");
        long p4 = p.patient("Two", "Ted");
        long p1k = p.patientPlan(p1, keep, 1);
        p.patientPlan(p1, m1, 2);
        long p2m1 = p.patientPlan(p2, m1, 1);
        long p3m2 = p.patientPlan(p3, m2, 1);
        long p4m1 = p.patientPlan(p4, m1, 1);
        p.patientPlan(p4, m2, 2);
        long p4o = p.patientPlan(p4, other, 3);

        TestSite.Response r = p.post("/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(m1, m2)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/kept/id").asLong()).isEqualTo(keep);
        assertThat(r.json().get("patient_plans_moved").asInt()).isEqualTo(5);
        assertThat(r.json().get("duplicate_patient_plans_removed").asInt()).isEqualTo(2);

        assertError(p.get("/insurance-plans/" + m1), 404, "NOT_FOUND", null, "merged plan 1");
        assertError(p.get("/insurance-plans/" + m2), 404, "NOT_FOUND", null, "merged plan 2");
        assertThat(p.ids("insurance-plans", "carrier_id", String.valueOf(carrier))).containsExactly(keep, other);
        // One patient plan per patient for the kept plan: the one with the lower ordinal.
        assertThat(p.ids("patient-plans", "insurance_plan_id", String.valueOf(keep)))
                .containsExactlyInAnyOrder(p1k, p2m1, p3m2, p4m1);
        assertThat(p.ids("patient-plans", "patient_id", String.valueOf(p1))).containsExactly(p1k);
        assertThat(p.ids("patient-plans", "patient_id", String.valueOf(p4))).containsExactly(p4m1, p4o);
        assertThat(p.read("patient-plans", p4m1).get("ordinal").asInt()).isEqualTo(1);
        assertThat(p.count("patient_plan", "insurance_plan_id IN (" + m1 + ", " + m2 + ")")).isZero();

        List<JsonNode> log = p.securityLog("insurance_plan").stream()
                .filter(n -> n.get("action").asText().equals("combine")).toList();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("entity_id").asLong()).isEqualTo(keep);
        assertThat(log.get(0).get("details").asText()).contains(String.valueOf(m1)).contains(String.valueOf(m2));
    }

    @Test
    void refusedCombinesChangeNothing() {
        Practice p = new Practice("combineno");
        long carrier = p.carrier("Delta");
        long keep = p.plan(carrier, "Keep");
        long m1 = p.plan(carrier, "Merge one");
        long pat = p.patient("Plan", "Pia");
        p.patientPlan(pat, keep, 1);
        p.patientPlan(pat, m1, 2);
        long missing = 987_654_321L;
        Map<String, String> before = p.fingerprint();

        assertError(p.post("/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(keep))), 400,
                "INVALID_INPUT", "merge", "keep inside merge");
        assertError(p.post("/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(m1, keep))), 400,
                "INVALID_INPUT", "merge", "keep inside merge");
        assertError(p.invalid("POST", "/insurance-plans/combine", Map.of("keep", keep, "merge", List.of())), 400,
                "INVALID_INPUT", "merge", "empty merge");
        assertError(p.invalid("POST", "/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(m1, m1))),
                400, "INVALID_INPUT", "merge", "a plan twice");
        assertError(p.post("/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(m1, missing))), 404,
                "NOT_FOUND", null, "unknown plan in merge");
        assertError(p.post("/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(missing, m1))), 404,
                "NOT_FOUND", null, "unknown plan first in merge");
        assertError(p.post("/insurance-plans/combine", Map.of("keep", missing, "merge", List.of(m1))), 404,
                "NOT_FOUND", null, "unknown keep");

        assertThat(p.fingerprint()).as("nothing changed").isEqualTo(before);
        assertThat(p.read("insurance-plans", m1).get("group_name").asText()).isEqualTo("Merge one");
        assertThat(p.securityLog("insurance_plan")).noneMatch(n -> n.get("action").asText().equals("combine"));
    }

    @Test
    void aCombineThatFailsHalfwayLeavesEveryPlanAndPatientPlan() {
        Practice p = new Practice("combineatom");
        long carrier = p.carrier("Delta");
        long keep = p.plan(carrier, "Keep");
        long m1 = p.plan(carrier, "Merge one");
        long pat = p.patient("Plan", "Pia");
        long pp = p.patientPlan(pat, m1, 1);
        Map<String, String> before = p.fingerprint();
        // The patient plans move first; the plan delete after it fails.
        withFailingTrigger(p, "BEFORE DELETE ON insurance_plan", () -> assertError(p.post(
                "/insurance-plans/combine", Map.of("keep", keep, "merge", List.of(m1))), 500, "INTERNAL", null,
                "combine failing halfway"));
        assertThat(p.fingerprint()).as("rolled back").isEqualTo(before);
        assertThat(p.read("patient-plans", pp).get("insurance_plan_id").asLong()).isEqualTo(m1);
    }

    // ---------------------------------------------------------------- delete a fee schedule

    @Test
    void aFeeScheduleInUseIsNotDeletedAndTheAnswerNamesItsUsers() {
        Practice p = new Practice("feesched");
        long schedule = p.feeSchedule("Standard");
        long code1 = p.procedureCode("F0001");
        long code2 = p.procedureCode("F0002");
        long fee1 = p.create("fees", Map.of("fee_schedule_id", schedule, "procedure_code_id", code1, "amount", 80));
        long fee2 = p.create("fees", Map.of("fee_schedule_id", schedule, "procedure_code_id", code2, "amount",
                120.5));
        long patient = p.create("patients", Map.of("last_name", "Fee", "first_name", "Flo", "fee_schedule_id",
                schedule));
        long provider = p.create("providers", Map.of("abbr", "DOC", "last_name", "Doc", "fee_schedule_id",
                schedule));
        long plan = p.create("insurance-plans", Map.of("carrier_id", p.carrier("Delta"), "fee_schedule_id",
                schedule));
        Map<String, String> before = p.fingerprint();

        TestSite.Response r = p.delete("/fee-schedules/" + schedule);
        assertError(r, 409, "CONFLICT", null, "fee schedule in use");
        String msg = r.json().at("/error/message").asText();
        assertThat(msg).contains("patients " + patient).contains("providers " + provider)
                .contains("insurance plans " + plan).contains("nothing was deleted");
        assertThat(p.fingerprint()).as("nothing changed").isEqualTo(before);

        assertThat(p.put("/patients/" + patient, with("fee_schedule_id", null)).status()).isEqualTo(200);
        r = p.delete("/fee-schedules/" + schedule);
        assertError(r, 409, "CONFLICT", null, "still used by a provider and a plan");
        assertThat(r.json().at("/error/message").asText()).doesNotContain("patients").contains("providers " + provider);
        assertThat(p.put("/providers/" + provider, with("fee_schedule_id", null)).status()).isEqualTo(200);
        assertThat(p.put("/insurance-plans/" + plan, with("fee_schedule_id", null)).status()).isEqualTo(200);
        assertThat(p.securityLog("fee_schedule")).noneMatch(n -> n.get("action").asText().equals("delete"));

        r = p.delete("/fee-schedules/" + schedule);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertError(p.get("/fee-schedules/" + schedule), 404, "NOT_FOUND", null, "deleted schedule");
        assertError(p.get("/fees/" + fee1), 404, "NOT_FOUND", null, "its fee 1");
        assertError(p.get("/fees/" + fee2), 404, "NOT_FOUND", null, "its fee 2");
        assertThat(p.ids("fees", "fee_schedule_id", String.valueOf(schedule))).isEmpty();
        assertThat(p.count("fee", "fee_schedule_id = " + schedule)).isZero();
        assertThat(p.read("procedure-codes", code1).get("code").asText()).isEqualTo("F0001");

        List<JsonNode> log = p.securityLog("fee_schedule").stream()
                .filter(n -> n.get("action").asText().equals("delete")).toList();
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("entity_id").asLong()).isEqualTo(schedule);
        assertThat(log.get(0).get("details").asText()).contains("2 owned rows");
    }

    @Test
    void aFeeScheduleDeleteThatFailsHalfwayKeepsItsFees() {
        Practice p = new Practice("feeatom");
        long schedule = p.feeSchedule("Standard");
        long fee = p.create("fees", Map.of("fee_schedule_id", schedule, "procedure_code_id", p.procedureCode("F1"),
                "amount", 80));
        Map<String, String> before = p.fingerprint();
        // Its fees are deleted first; the schedule's own delete then fails.
        withFailingTrigger(p, "BEFORE DELETE ON fee_schedule", () -> assertError(p.delete("/fee-schedules/"
                + schedule), 500, "INTERNAL", null, "delete failing halfway"));
        assertThat(p.fingerprint()).as("rolled back").isEqualTo(before);
        assertThat(p.read("fees", fee).get("fee_schedule_id").asLong()).isEqualTo(schedule);
    }

    @Test
    void aPatientInUseIsNotDeletedAndTheAnswerNamesTheRecords() {
        Practice p = new Practice("delpat");
        long patient = p.patient("Busy", "Bo");
        long appt = p.appointment(patient, p.provider("DOC"));
        long doc = p.document(patient, "a.png");
        Map<String, String> before = p.fingerprint();
        TestSite.Response r = p.delete("/patients/" + patient);
        assertError(r, 409, "CONFLICT", null, "patient in use");
        assertThat(r.json().at("/error/message").asText()).contains("appointments " + appt)
                .contains("documents " + doc);
        assertThat(p.fingerprint()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- CRUD for every type

    /**
     * One record type's round trip: a minimal valid body (made in the test's own practice),
     * one field to change, and a search filter that must find the record.
     */
    record Crud(String path, Function<Practice, Map<String, Object>> body, String field, Object newValue,
                String filter) {
        @Override
        public String toString() {
            return path;
        }
    }

    static Stream<Crud> everyType() {
        return Stream.of(
                new Crud("patients", p -> Map.of("last_name", "Round", "first_name", "Rita"), "first_name", "Reta",
                        "last_name"),
                new Crud("appointments", p -> Map.of("patient_id", p.patient("Appt", "Al"), "provider_id",
                        p.provider("DOC"), "start_at", "2026-11-23T09:30:00", "length_minutes", 30),
                        "length_minutes", 45, "patient_id"),
                new Crud("procedures", p -> Map.of("patient_id", p.patient("Proc", "Pi"), "provider_id",
                        p.provider("DOC"), "procedure_code_id", p.procedureCode("C0001"), "proc_date",
                        "2026-11-23"), "status", "complete", "patient_id"),
                new Crud("providers", p -> Map.of("abbr", "RND", "last_name", "Rounder"), "first_name", "Ray", "abbr"),
                new Crud("procedure-codes", p -> Map.of("code", "Z9999", "description", "Round trip",
                        "category", "Test"), "description", "Round trip changed", "code"),
                new Crud("fee-schedules", p -> Map.of("description", "Round"), "fee_type", "copay", "fee_type"),
                new Crud("fees", p -> Map.of("fee_schedule_id", p.feeSchedule("S"), "procedure_code_id",
                        p.procedureCode("C0002"), "amount", 99.5), "amount", new BigDecimal("120.25"),
                        "fee_schedule_id"),
                new Crud("carriers", p -> Map.of("name", "Round Carrier"), "city", "Ghent", "q"),
                new Crud("insurance-plans", p -> Map.of("carrier_id", p.carrier("C")), "group_name", "Round group",
                        "carrier_id"),
                new Crud("patient-plans", p -> Map.of("patient_id", p.patient("Pp", "Po"), "insurance_plan_id",
                        p.plan(p.carrier("C"), "G")), "subscriber_id", "SUB-1", "patient_id"),
                new Crud("documents", p -> Map.of("patient_id", p.patient("Doc", "Di"), "file_name", "bw.png"),
                        "description", "Bitewings", "patient_id"));
    }

    @Test
    void theRoundTripCoversEveryRecordTypeWithEveryRequiredField() {
        assertThat(everyType().map(Crud::path)).containsExactlyInAnyOrderElementsOf(
                Entities.ALL.stream().map(EntitySpec::path).toList());
        for (EntitySpec spec : Entities.ALL) {
            Crud c = everyType().filter(x -> x.path().equals(spec.path())).findFirst().orElseThrow();
            assertThat(c.filter().equals("q") ? spec.search() : spec.filters()).as(spec.path()).isNotEmpty();
            assertThat(c.filter().equals("q") || spec.filters().contains(c.filter())).as(spec.path()).isTrue();
            assertThat(spec.field(c.field())).as(spec.path()).isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyType")
    void createReadUpdateSearchDelete(Crud c) {
        Practice p = new Practice("crud");
        EntitySpec spec = Entities.byPath(c.path()).orElseThrow();
        Map<String, Object> body = c.body().apply(p);
        for (var f : spec.fields()) {
            if (f.required()) {
                assertThat(body).as("%s body has required %s", c.path(), f.name()).containsKey(f.name());
            }
        }

        // Create, and read back what was stored.
        TestSite.Response created = p.post("/" + c.path(), body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        body.forEach((k, v) -> assertSame(created.json().get(k), v, c.path() + "." + k));
        JsonNode read = p.read(c.path(), id);
        assertThat(read).isEqualTo(created.json());
        // Dates and times come in one format per column: always seconds, milliseconds where kept.
        String stampCol = c.path().equals("procedures") ? "date_tstamp" : "updated_at";
        for (String col : List.of("created_at", stampCol)) {
            assertThat(read.get(col).asText()).as(col).matches(MILLIS);
        }

        // Update one field; the change timestamp moves on.
        String stamp = c.path().equals("procedures") ? "date_tstamp" : "updated_at";
        await().atMost(Duration.ofSeconds(10)).until(() -> p.sql("SELECT NOW(3) > " + stamp + " FROM "
                + spec.table() + " WHERE id = " + id).equals("1"));
        TestSite.Response updated = p.put("/" + c.path() + "/" + id, Map.of(c.field(), c.newValue()));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertSame(updated.json().get(c.field()), c.newValue(), c.path() + " updated " + c.field());
        JsonNode after = p.read(c.path(), id);
        assertThat(after).isEqualTo(updated.json());
        assertThat(LocalDateTime.parse(after.get(stamp).asText())).as(stamp)
                .isAfter(LocalDateTime.parse(read.get(stamp).asText()));
        read.fieldNames().forEachRemaining(f -> {
            if (!f.equals(c.field()) && !f.equals(stamp)) {
                assertThat(after.get(f)).as("%s unchanged", f).isEqualTo(read.get(f));
            }
        });

        // Search with a filter finds it, and only what matches the filter.
        String value = c.filter().equals("q") ? after.get(spec.search().get(0)).asText().substring(0, 5)
                : after.get(c.filter()).asText();
        TestSite.Response found = p.search(c.path(), c.filter(), value);
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(p.ids(c.path(), c.filter(), value)).contains(id);
        if (!c.filter().equals("q")) {
            found.json().get("items").forEach(n -> assertThat(n.get(c.filter()).asText()).isEqualTo(value));
        }

        // Delete, and it is gone.
        assertThat(p.delete("/" + c.path() + "/" + id).status()).isEqualTo(204);
        assertError(p.get("/" + c.path() + "/" + id), 404, "NOT_FOUND", null, "deleted " + c.path());
        assertError(p.delete("/" + c.path() + "/" + id), 404, "NOT_FOUND", null, "deleted twice " + c.path());
        assertThat(p.ids(c.path(), c.filter(), value)).doesNotContain(id);
        assertThat(p.count(spec.table(), "id = " + id)).isZero();

        List<String> actions = p.securityLog(spec.table()).stream().filter(n -> n.get("entity_id").asLong() == id)
                .map(n -> n.get("action").asText()).toList();
        assertThat(actions).containsExactly("delete", "update", "create");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertSame(JsonNode actual, Object expected, String what) {
        assertThat(actual).as(what).isNotNull();
        if (expected instanceof Number n) {
            assertThat(actual.decimalValue()).as(what).isEqualByComparingTo(new BigDecimal(n.toString()));
        } else {
            assertThat(actual.asText()).as(what).isEqualTo(String.valueOf(expected));
        }
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    /**
     * Runs {@code body} while a trigger makes one statement fail inside the tenant's
     * database: the way to make an operation fail after it has already written some rows.
     */
    private static void withFailingTrigger(Practice p, String when, Runnable body) {
        String db = p.created.tenant().dbName();
        String trigger = "`" + db + "`.cusp_test_fault";
        TestSite.ClientResult r = p.site.mariadb(EmbeddedNode.ADMIN_USER, p.site.site.node().config().adminPassword(),
                "CREATE TRIGGER " + trigger + " " + when.replace(" ON ", " ON `" + db + "`.")
                        + " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test fault'");
        assertThat(r.exit()).as(r.output()).isZero();
        try {
            body.run();
        } finally {
            TestSite.ClientResult d = p.site.mariadb(EmbeddedNode.ADMIN_USER,
                    p.site.site.node().config().adminPassword(), "DROP TRIGGER " + trigger);
            assertThat(d.exit()).as(d.output()).isZero();
        }
    }
}
