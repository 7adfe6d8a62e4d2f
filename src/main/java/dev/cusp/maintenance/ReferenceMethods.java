package dev.cusp.maintenance;

import java.util.ArrayList;
import java.util.List;

/**
 * Methods about references: rows pointing at a row that is gone (the schema has no foreign keys,
 * on purpose, so a replicated row may arrive before its parent and orphans must be findable) and
 * rows still pointing at a merged patient.
 */
final class ReferenceMethods {
    static final String SAFE_BY_KEY = "updates or deletes the rows found, by key, to values that follow from data"
            + " every site agrees on; replication carries the same row changes everywhere";
    static final String UNSAFE_PLACEHOLDER = "inserts a placeholder row with the missing key: that key belongs to"
            + " the site that made the original row, and if the original still reaches a site by replication (in"
            + " flight, or from a site that was offline) it collides with the placeholder and stops replication"
            + " there with a duplicate key";

    private ReferenceMethods() {
    }

    static List<MaintenanceMethod> all() {
        List<MaintenanceMethod> l = new ArrayList<>();
        // Placeholders: the documented system's way to keep the orphaned work (unsafe).
        for (String[] t : new String[][] {{"appointment", "appointment"}, {"procedure", "procedure_log"},
            {"document", "document"}}) {
            l.add(placeholder(t[0] + "-patient-missing", t[1], "patient_id", "patient",
                    "INSERT INTO patient (id, last_name, first_name, status) SELECT DISTINCT x.patient_id,"
                    + " 'MISSING PATIENT', CONCAT('#', x.patient_id), 'inactive' FROM " + t[1] + " x"
                    + " LEFT JOIN patient p ON p.id = x.patient_id WHERE x.patient_id IS NOT NULL AND p.id IS NULL",
                    "re-creates each missing patient under its own key as an inactive 'MISSING PATIENT', so the "
                    + t[0] + "s are kept"));
        }
        for (String[] t : new String[][] {{"appointment", "appointment"}, {"procedure", "procedure_log"}}) {
            l.add(placeholder(t[0] + "-provider-missing", t[1], "provider_id", "provider",
                    "INSERT INTO provider (id, abbr, last_name, is_hidden) SELECT DISTINCT x.provider_id, 'MISSING',"
                    + " CONCAT('Missing provider #', x.provider_id), TRUE FROM " + t[1] + " x"
                    + " LEFT JOIN provider p ON p.id = x.provider_id WHERE p.id IS NULL",
                    "re-creates each missing provider under its own key as a hidden 'MISSING' provider"));
        }
        l.add(placeholder("procedure-code-missing", "procedure_log", "procedure_code_id", "procedure_code",
                "INSERT INTO procedure_code (id, code, description, category) SELECT DISTINCT x.procedure_code_id,"
                + " LEFT(CONCAT('~', x.procedure_code_id), 15), 'Missing procedure code', 'Missing' FROM procedure_log x"
                + " LEFT JOIN procedure_code p ON p.id = x.procedure_code_id WHERE p.id IS NULL",
                "re-creates each missing procedure code under its own key (code '~KEY', category Missing)"));
        l.add(placeholder("insurance-plan-carrier-missing", "insurance_plan", "carrier_id", "carrier",
                "INSERT INTO carrier (id, name) SELECT DISTINCT x.carrier_id, CONCAT('MISSING CARRIER #', x.carrier_id)"
                + " FROM insurance_plan x LEFT JOIN carrier p ON p.id = x.carrier_id WHERE p.id IS NULL",
                "re-creates each missing carrier under its own key as 'MISSING CARRIER #KEY'"));

        // Rows that mean nothing without their parent: deleted.
        l.add(deleteOrphan("patient-plan-patient-missing", "patient_plan", "patient_id", "patient"));
        l.add(deleteOrphan("patient-plan-plan-missing", "patient_plan", "insurance_plan_id", "insurance_plan"));
        l.add(deleteOrphan("fee-schedule-missing", "fee", "fee_schedule_id", "fee_schedule"));
        l.add(deleteOrphan("fee-code-missing", "fee", "procedure_code_id", "procedure_code"));

        // Optional references: cleared.
        l.add(clearOrphan("procedure-appointment-missing", "procedure_log", "appointment_id", "appointment"));
        l.add(clearOrphan("patient-guarantor-missing", "patient", "guarantor_id", "patient"));
        l.add(clearOrphan("patient-provider-missing", "patient", "primary_provider_id", "provider"));
        l.add(clearOrphan("patient-fee-schedule-missing", "patient", "fee_schedule_id", "fee_schedule"));
        l.add(clearOrphan("provider-fee-schedule-missing", "provider", "fee_schedule_id", "fee_schedule"));
        l.add(clearOrphan("insurance-plan-fee-schedule-missing", "insurance_plan", "fee_schedule_id", "fee_schedule"));
        l.add(clearOrphan("practice-user-provider-missing", "practice_user", "provider_id", "provider"));
        l.add(new MaintenanceMethod("patient-merged-into-missing", "patient",
                "patients merged into a patient that does not exist (or into themselves)",
                "clears merged_into_id; the patient stays archived", true, SAFE_BY_KEY,
                "SELECT x.id FROM patient x LEFT JOIN patient t ON t.id = x.merged_into_id"
                + " WHERE x.merged_into_id IS NOT NULL AND (t.id IS NULL OR x.merged_into_id = x.id)",
                List.of("UPDATE patient SET merged_into_id = NULL WHERE id IN (SELECT id FROM (SELECT x.id FROM patient x"
                        + " LEFT JOIN patient t ON t.id = x.merged_into_id WHERE x.merged_into_id IS NOT NULL"
                        + " AND (t.id IS NULL OR x.merged_into_id = x.id)) d)")));
        l.add(new MaintenanceMethod("procedure-appointment-other-patient", "procedure_log",
                "procedures attached to an appointment of another patient",
                "detaches the procedure from the appointment (appointment_id NULL)", true, SAFE_BY_KEY,
                "SELECT x.id FROM procedure_log x JOIN appointment a ON a.id = x.appointment_id"
                + " WHERE a.patient_id <> x.patient_id",
                List.of("UPDATE procedure_log x JOIN appointment a ON a.id = x.appointment_id SET x.appointment_id = NULL"
                        + " WHERE a.patient_id <> x.patient_id")));

        // A row that reached a site after its patient was merged there still points at the merged one.
        for (String[] t : new String[][] {{"appointment", "appointment"}, {"procedure", "procedure_log"},
            {"patient-plan", "patient_plan"}, {"document", "document"}}) {
            l.add(new MaintenanceMethod(t[0] + "-on-merged-patient", t[1], t[1] + " rows of a patient that was merged"
                    + " into another", "moves them to the patient it was merged into (as the merge does)", true,
                    SAFE_BY_KEY, "SELECT x.id FROM " + t[1] + " x JOIN patient p ON p.id = x.patient_id"
                    + " JOIN patient t ON t.id = p.merged_into_id WHERE t.id <> p.id",
                    List.of("UPDATE " + t[1] + " x JOIN patient p ON p.id = x.patient_id JOIN patient t"
                            + " ON t.id = p.merged_into_id SET x.patient_id = t.id WHERE t.id <> p.id")));
        }
        l.add(new MaintenanceMethod("patient-guarantor-merged", "patient", "patients whose guarantor was merged"
                + " into another patient", "points them at the patient the guarantor was merged into (no guarantor"
                + " when that is the patient itself)", true, SAFE_BY_KEY,
                "SELECT x.id FROM patient x JOIN patient g ON g.id = x.guarantor_id JOIN patient t"
                + " ON t.id = g.merged_into_id WHERE t.id <> g.id",
                List.of("UPDATE patient x JOIN patient g ON g.id = x.guarantor_id JOIN patient t ON t.id = g.merged_into_id"
                        + " SET x.guarantor_id = IF(t.id = x.id, NULL, t.id) WHERE t.id <> g.id")));
        return l;
    }

    private static String orphanCheck(String table, String column, String parent) {
        return "SELECT x.id FROM " + table + " x LEFT JOIN " + parent + " p ON p.id = x." + column
                + " WHERE x." + column + " IS NOT NULL AND p.id IS NULL";
    }

    private static MaintenanceMethod placeholder(String name, String table, String column, String parent,
                                                 String insert, String fixes) {
        return new MaintenanceMethod(name, table, table + " rows whose " + column + " points at a " + parent
                + " that does not exist", fixes, false, UNSAFE_PLACEHOLDER, orphanCheck(table, column, parent),
                List.of(insert));
    }

    private static MaintenanceMethod deleteOrphan(String name, String table, String column, String parent) {
        return new MaintenanceMethod(name, table, table + " rows whose " + column + " points at a " + parent
                + " that does not exist", "deletes them (they mean nothing without it)", true, SAFE_BY_KEY,
                orphanCheck(table, column, parent), List.of("DELETE FROM " + table + " WHERE id IN (SELECT id FROM ("
                        + orphanCheck(table, column, parent) + ") d)"));
    }

    private static MaintenanceMethod clearOrphan(String name, String table, String column, String parent) {
        return new MaintenanceMethod(name, table, table + " rows whose " + column + " points at a " + parent
                + " that does not exist", "sets " + column + " to NULL", true, SAFE_BY_KEY,
                orphanCheck(table, column, parent), List.of("UPDATE " + table + " SET " + column + " = NULL WHERE id IN"
                        + " (SELECT id FROM (" + orphanCheck(table, column, parent) + ") d)"));
    }
}
