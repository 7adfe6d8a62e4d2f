package dev.cusp.practice;

import static dev.cusp.practice.Field.bool;
import static dev.cusp.practice.Field.choice;
import static dev.cusp.practice.Field.date;
import static dev.cusp.practice.Field.dateTime;
import static dev.cusp.practice.Field.integer;
import static dev.cusp.practice.Field.money;
import static dev.cusp.practice.Field.pattern;
import static dev.cusp.practice.Field.ref;
import static dev.cusp.practice.Field.requiredPattern;
import static dev.cusp.practice.Field.requiredText;
import static dev.cusp.practice.Field.text;

import dev.cusp.practice.EntitySpec.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The practice records the middle tier serves, defined once for validation, SQL and OpenAPI. */
public final class Entities {
    private static final String PHONE = "[0-9+() .-]{3,30}";

    public static final EntitySpec PROVIDERS = new EntitySpec("providers", "provider", "provider", List.of(
            requiredText("abbr", 16), text("first_name", 100), requiredText("last_name", 100),
            pattern("npi", 10, "[0-9]{10}"), text("specialty", 40), ref("fee_schedule_id", "fee_schedule", false),
            bool("is_hidden")),
            List.of("abbr", "last_name", "first_name"), List.of("is_hidden", "fee_schedule_id", "abbr"),
            List.of(new Reference("patient", "primary_provider_id", "patients", false),
                    new Reference("appointment", "provider_id", "appointments", false),
                    new Reference("procedure_log", "provider_id", "procedures", false),
                    new Reference("practice_user", "provider_id", "practice users", false)));

    public static final EntitySpec PATIENTS = new EntitySpec("patients", "patient", "patient", List.of(
            requiredText("last_name", 100), requiredText("first_name", 100), text("middle_initial", 4),
            text("preferred_name", 100), date("birth_date", false), choice("gender", "female", "male", "unknown"),
            ref("guarantor_id", "patient", false), ref("primary_provider_id", "provider", false),
            ref("fee_schedule_id", "fee_schedule", false),
            choice("status", "active", "inactive", "archived", "deceased"),
            pattern("email", 254, "[^@\\s]+@[^@\\s]+\\.[^@\\s]+"), pattern("phone_home", 30, PHONE),
            pattern("phone_wireless", 30, PHONE), text("address", 200), text("city", 100), text("state", 50),
            text("zip", 20)),
            List.of("last_name", "first_name", "preferred_name", "email"),
            List.of("status", "guarantor_id", "primary_provider_id", "fee_schedule_id", "birth_date", "last_name"),
            List.of(new Reference("appointment", "patient_id", "appointments", false),
                    new Reference("procedure_log", "patient_id", "procedures", false),
                    new Reference("patient_plan", "patient_id", "patient plans", false),
                    new Reference("document", "patient_id", "documents", false),
                    new Reference("patient", "guarantor_id", "family members (as guarantor)", false)));

    public static final EntitySpec APPOINTMENTS = new EntitySpec("appointments", "appointment", "appointment",
            List.of(ref("patient_id", "patient", true), ref("provider_id", "provider", true),
                    dateTime("start_at", true), integer("length_minutes", true, 5, 720),
                    choice("status", "scheduled", "complete", "broken", "unscheduled"), text("note", 4000)),
            List.of("note"), List.of("patient_id", "provider_id", "status"),
            List.of(new Reference("procedure_log", "appointment_id", "procedures", false)));

    public static final EntitySpec PROCEDURE_CODES = new EntitySpec("procedure-codes", "procedure_code",
            "procedure code", List.of(requiredPattern("code", 15, "[A-Za-z0-9.-]{1,15}").asUnique(), text("abbr", 20),
            requiredText("description", 255), requiredText("category", 40)),
            List.of("code", "abbr", "description"), List.of("code", "category"),
            List.of(new Reference("procedure_log", "procedure_code_id", "procedures", false),
                    new Reference("fee", "procedure_code_id", "fees", false)));

    public static final EntitySpec PROCEDURES = new EntitySpec("procedures", "procedure_log", "procedure", List.of(
            ref("patient_id", "patient", true), ref("provider_id", "provider", true),
            ref("procedure_code_id", "procedure_code", true), ref("appointment_id", "appointment", false),
            date("proc_date", true), money("fee", false).withDefault(),
            choice("status", "treatment_planned", "complete", "existing", "referred", "deleted"),
            pattern("tooth", 4, "[0-9A-Ta-t]{1,4}"), pattern("surface", 8, "[MODBFLIV]{1,8}"), text("note", 4000)),
            List.of("note"), List.of("patient_id", "provider_id", "procedure_code_id", "appointment_id", "status",
            "proc_date"), List.of());

    public static final EntitySpec FEE_SCHEDULES = new EntitySpec("fee-schedules", "fee_schedule", "fee schedule",
            List.of(requiredText("description", 100), choice("fee_type", "normal", "copay", "outnetwork"),
                    bool("is_hidden")),
            List.of("description"), List.of("fee_type", "is_hidden"),
            List.of(new Reference("patient", "fee_schedule_id", "patients", false),
                    new Reference("provider", "fee_schedule_id", "providers", false),
                    new Reference("insurance_plan", "fee_schedule_id", "insurance plans", false),
                    new Reference("fee", "fee_schedule_id", "fees", true)));

    public static final EntitySpec FEES = new EntitySpec("fees", "fee", "fee", List.of(
            ref("fee_schedule_id", "fee_schedule", true), ref("procedure_code_id", "procedure_code", true),
            money("amount", true)),
            List.of(), List.of("fee_schedule_id", "procedure_code_id"), List.of());

    public static final EntitySpec CARRIERS = new EntitySpec("carriers", "carrier", "carrier", List.of(
            requiredText("name", 200), text("address", 200), text("city", 100), text("state", 50), text("zip", 20),
            pattern("phone", 30, PHONE), text("electronic_id", 20)),
            List.of("name"), List.of("electronic_id"),
            List.of(new Reference("insurance_plan", "carrier_id", "insurance plans", false)));

    public static final EntitySpec INSURANCE_PLANS = new EntitySpec("insurance-plans", "insurance_plan",
            "insurance plan", List.of(ref("carrier_id", "carrier", true), text("group_name", 200),
            text("group_num", 40), choice("plan_type", "percentage", "ppo", "capitation", "flat_copay"),
            ref("fee_schedule_id", "fee_schedule", false), text("note", 4000)),
            List.of("group_name", "group_num"), List.of("carrier_id", "fee_schedule_id", "plan_type"),
            List.of(new Reference("patient_plan", "insurance_plan_id", "patient plans", false)));

    public static final EntitySpec PATIENT_PLANS = new EntitySpec("patient-plans", "patient_plan", "patient plan",
            List.of(ref("patient_id", "patient", true), ref("insurance_plan_id", "insurance_plan", true),
                    integer("ordinal", false, 1, 9).withDefault(), text("subscriber_id", 40),
                    choice("relationship", "self", "spouse", "child", "other")),
            List.of(), List.of("patient_id", "insurance_plan_id"), List.of());

    /**
     * A document's record. Its content is uploaded (POST /documents/upload), which alone sets
     * {@code sha256} and {@code size_bytes}: a record never claims content it does not have.
     * {@code patient_id} is empty for a document an import could not match (category unfiled).
     */
    public static final EntitySpec DOCUMENTS = new EntitySpec("documents", "document", "document", List.of(
            ref("patient_id", "patient", false), requiredText("file_name", 255), text("description", 255),
            pattern("mime_type", 100, "[A-Za-z0-9!#$&^_.+-]{1,63}/[A-Za-z0-9!#$&^_.+-]{1,63}"),
            text("category", 40), dateTime("taken_at", false)),
            List.of("file_name", "description"), List.of("patient_id", "category"), List.of());

    public static final List<EntitySpec> ALL = List.of(PATIENTS, APPOINTMENTS, PROCEDURES, PROVIDERS,
            PROCEDURE_CODES, FEE_SCHEDULES, FEES, CARRIERS, INSURANCE_PLANS, PATIENT_PLANS, DOCUMENTS);

    private static final Map<String, EntitySpec> BY_PATH = ALL.stream()
            .collect(Collectors.toMap(EntitySpec::path, Function.identity()));

    private Entities() {
    }

    /**
     * The columns a read returns besides the id and the writable fields: the server (or the
     * database) fills them, a caller never sets them. Replication's change stamps are left out
     * of every read.
     */
    public static List<Field> filledByServer(EntitySpec e) {
        List<Field> out = new ArrayList<>();
        out.add(dateTime("created_at", true));
        // procedure_log keeps the documented system's name for its change time.
        out.add(dateTime(e == PROCEDURES ? "date_tstamp" : "updated_at", true));
        if (e == PATIENTS) {
            out.add(ref("merged_into_id", "patient", false));
        }
        if (e == DOCUMENTS) {
            out.add(integer("size_bytes", false, 0, Long.MAX_VALUE));
            out.add(pattern("sha256", 64, "[0-9a-f]{64}"));
        }
        return out;
    }

    public static Optional<EntitySpec> byPath(String path) {
        return Optional.ofNullable(BY_PATH.get(path));
    }
}
