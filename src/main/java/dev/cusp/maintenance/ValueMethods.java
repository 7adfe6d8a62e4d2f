package dev.cusp.maintenance;

import static dev.cusp.maintenance.ReferenceMethods.SAFE_BY_KEY;

import java.util.ArrayList;
import java.util.List;

/** Methods about values: impossible or invalid values, duplicates, broken guarantor families. */
final class ValueMethods {
    static final String UNSAFE_CLOCK = "depends on this site's clock and time zone: a site whose clock or zone is"
            + " off finds a different set of rows, and the fix judges (or writes) by the fixing site's date alone";

    private ValueMethods() {
    }

    static List<MaintenanceMethod> all() {
        List<MaintenanceMethod> l = new ArrayList<>();
        // Guarantors.
        l.add(update("patient-guarantor-self", "patient", "patients whose guarantor_id is their own id",
                "sets guarantor_id to NULL (the convention for 'own guarantor')", "guarantor_id = id",
                "guarantor_id = NULL"));
        l.add(new MaintenanceMethod("patient-guarantor-not-head", "patient", "patients who are someone's guarantor"
                + " but have a guarantor themselves (chains and cycles: a guarantor must be their own guarantor)",
                "makes each of them their own guarantor (head of the family)", true, SAFE_BY_KEY,
                "SELECT g.id FROM patient g WHERE g.guarantor_id IS NOT NULL AND g.guarantor_id <> g.id AND EXISTS"
                + " (SELECT 1 FROM patient d WHERE d.guarantor_id = g.id AND d.id <> g.id)",
                List.of("UPDATE patient SET guarantor_id = NULL WHERE id IN (SELECT id FROM (SELECT g.id FROM patient g"
                        + " WHERE g.guarantor_id IS NOT NULL AND g.guarantor_id <> g.id AND EXISTS (SELECT 1 FROM"
                        + " patient d WHERE d.guarantor_id = g.id AND d.id <> g.id)) x)")));
        l.add(new MaintenanceMethod("patient-guarantor-archived", "patient", "active patients whose guarantor is"
                + " archived (and not merged)", "makes each of them their own guarantor", true, SAFE_BY_KEY,
                "SELECT x.id FROM patient x JOIN patient g ON g.id = x.guarantor_id WHERE x.status = 'active'"
                + " AND g.status = 'archived' AND g.merged_into_id IS NULL AND g.id <> x.id",
                List.of("UPDATE patient x JOIN patient g ON g.id = x.guarantor_id SET x.guarantor_id = NULL"
                        + " WHERE x.status = 'active' AND g.status = 'archived' AND g.merged_into_id IS NULL"
                        + " AND g.id <> x.id")));
        // Patients.
        l.add(new MaintenanceMethod("patient-name-blank", "patient", "patients with a blank last or first name",
                "sets the blank name to 'UNKNOWN'", true, SAFE_BY_KEY,
                "SELECT id FROM patient WHERE TRIM(last_name) = '' OR TRIM(first_name) = ''",
                List.of("UPDATE patient SET last_name = 'UNKNOWN' WHERE TRIM(last_name) = ''",
                        "UPDATE patient SET first_name = 'UNKNOWN' WHERE TRIM(first_name) = ''")));
        l.add(clock("patient-birth-date-future", "patient", "patients born after today",
                "clears the birth date", "birth_date > CURDATE()", "birth_date = NULL"));
        l.add(update("patient-birth-date-ancient", "patient", "patients born before 1880",
                "clears the birth date", "birth_date < '1880-01-01'", "birth_date = NULL"));
        l.add(update("patient-status-invalid", "patient", "patients whose status is not active, inactive, archived"
                + " or deceased", "sets the status to inactive", "status NOT IN ('active', 'inactive', 'archived',"
                + " 'deceased')", "status = 'inactive'"));
        l.add(update("patient-merged-not-archived", "patient", "merged patients that are not archived",
                "archives them (a merge always archives the merged patient)", "merged_into_id IS NOT NULL"
                + " AND status <> 'archived'", "status = 'archived'"));
        // Appointments.
        l.add(update("appointment-length-not-positive", "appointment", "appointments of zero or negative length",
                "sets the length to 10 minutes", "length_minutes <= 0", "length_minutes = 10"));
        l.add(update("appointment-length-over-a-day", "appointment", "appointments longer than a day",
                "sets the length to 8 hours", "length_minutes > 1440", "length_minutes = 480"));
        l.add(update("appointment-status-invalid", "appointment", "appointments whose status is not scheduled,"
                + " complete, broken or unscheduled", "sets the status to unscheduled",
                "status NOT IN ('scheduled', 'complete', 'broken', 'unscheduled')", "status = 'unscheduled'"));
        l.add(clock("appointment-complete-in-future", "appointment", "appointments marked complete that start"
                + " after now", "sets them back to scheduled", "status = 'complete' AND start_at > NOW()",
                "status = 'scheduled'"));
        // Procedures.
        l.add(update("procedure-fee-negative", "procedure_log", "procedures with a negative fee",
                "sets the fee to 0", "fee < 0", "fee = 0"));
        l.add(clock("procedure-complete-in-future", "procedure_log", "completed procedures dated after today",
                "dates them today", "status = 'complete' AND proc_date > CURDATE()", "proc_date = CURDATE()"));
        l.add(update("procedure-status-invalid", "procedure_log", "procedures whose status is not one of"
                + " treatment_planned, complete, existing, referred, deleted", "sets the status to treatment_planned",
                "status NOT IN ('treatment_planned', 'complete', 'existing', 'referred', 'deleted')",
                "status = 'treatment_planned'"));
        // Fees.
        l.add(new MaintenanceMethod("fee-duplicate", "fee", "more than one fee for one fee schedule and procedure"
                + " code (names every fee but the one with the lowest key)", "deletes all but the fee with the"
                + " lowest key", true, SAFE_BY_KEY, DUPLICATE_FEE,
                List.of("DELETE FROM fee WHERE id IN (SELECT id FROM (" + DUPLICATE_FEE + ") d)")));
        l.add(update("fee-negative", "fee", "fees with a negative amount", "sets the amount to 0", "amount < 0",
                "amount = 0"));
        // Patient plans.
        l.add(new MaintenanceMethod("patient-plan-duplicate-ordinal", "patient_plan", "patient plans sharing an"
                + " ordinal with another plan of the same patient (names every one but the lowest key)",
                "renumbers that patient's plans 1, 2, ... by ordinal, then key", true, SAFE_BY_KEY, DUPLICATE_ORDINAL,
                List.of(renumber(DUPLICATE_ORDINAL))));
        l.add(new MaintenanceMethod("patient-plan-ordinal-invalid", "patient_plan", "patient plans with an ordinal"
                + " below 1", "renumbers that patient's plans 1, 2, ... by ordinal, then key", true, SAFE_BY_KEY,
                "SELECT id FROM patient_plan WHERE ordinal < 1",
                List.of(renumber("SELECT id FROM patient_plan WHERE ordinal < 1"))));
        l.add(new MaintenanceMethod("patient-plan-same-plan-twice", "patient_plan", "one patient holding the same"
                + " insurance plan twice under the same subscriber (names every one but the lowest key; a child covered"
                + " by both parents at one employer has the plan twice under two subscribers, which is right)", "deletes all but the one with the"
                + " lowest key", true, SAFE_BY_KEY, SAME_PLAN_TWICE,
                List.of("DELETE FROM patient_plan WHERE id IN (SELECT id FROM (" + SAME_PLAN_TWICE + ") d)")));
        // Reference data.
        l.add(update("procedure-code-description-blank", "procedure_code", "procedure codes with a blank"
                + " description", "sets the description to the code", "TRIM(description) = ''", "description = code"));
        l.add(update("carrier-name-blank", "carrier", "carriers with a blank name", "sets the name to"
                + " 'UNKNOWN CARRIER'", "TRIM(name) = ''", "name = 'UNKNOWN CARRIER'"));
        l.add(update("provider-name-blank", "provider", "providers with a blank last name",
                "sets the last name to the provider's abbreviation", "TRIM(last_name) = ''",
                "last_name = IF(TRIM(abbr) = '', 'UNKNOWN', abbr)"));
        l.add(update("document-size-negative", "document", "documents with a negative size",
                "clears the size", "size_bytes < 0", "size_bytes = NULL"));
        return l;
    }

    private static final String DUPLICATE_FEE = "SELECT f.id FROM fee f WHERE EXISTS (SELECT 1 FROM fee o"
            + " WHERE o.fee_schedule_id = f.fee_schedule_id AND o.procedure_code_id = f.procedure_code_id"
            + " AND o.id < f.id)";
    private static final String DUPLICATE_ORDINAL = "SELECT x.id FROM patient_plan x WHERE EXISTS (SELECT 1 FROM"
            + " patient_plan o WHERE o.patient_id = x.patient_id AND o.ordinal = x.ordinal AND o.id < x.id)";
    private static final String SAME_PLAN_TWICE = "SELECT x.id FROM patient_plan x WHERE EXISTS (SELECT 1 FROM"
            + " patient_plan o WHERE o.patient_id = x.patient_id AND o.insurance_plan_id = x.insurance_plan_id"
            + " AND o.subscriber_id <=> x.subscriber_id AND o.id < x.id)";

    /** Renumbers every plan of the patients that own a row {@code found} names. */
    private static String renumber(String found) {
        return "UPDATE patient_plan pp JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY ordinal, id)"
                + " AS rn FROM patient_plan WHERE patient_id IN (SELECT patient_id FROM patient_plan WHERE id IN"
                + " (SELECT id FROM (" + found + ") f))) n ON n.id = pp.id SET pp.ordinal = n.rn";
    }

    private static MaintenanceMethod update(String name, String table, String finds, String fixes, String where,
                                            String set) {
        return new MaintenanceMethod(name, table, finds, fixes, true, SAFE_BY_KEY,
                "SELECT id FROM " + table + " WHERE " + where, List.of("UPDATE " + table + " SET " + set + " WHERE "
                        + where));
    }

    private static MaintenanceMethod clock(String name, String table, String finds, String fixes, String where,
                                           String set) {
        return new MaintenanceMethod(name, table, finds, fixes, false, UNSAFE_CLOCK,
                "SELECT id FROM " + table + " WHERE " + where, List.of("UPDATE " + table + " SET " + set + " WHERE "
                        + where));
    }
}
