package dev.cusp.maintenance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One planted bad row (or pair) per maintenance method, written straight into a practice's
 * database as the node admin, with the keys each method must find. Keys 1000.. are good rows
 * the plants point at; 2000.. are the planted rows; 990000.. are keys that do not exist.
 */
final class Plants {
    private Plants() {
    }

    static final List<String> BASE = List.of(
            "INSERT INTO fee_schedule (id, description) VALUES (1000, 'Standard')",
            "INSERT INTO provider (id, abbr, last_name, fee_schedule_id) VALUES (1000, 'DOC', 'Doe', 1000)",
            "INSERT INTO procedure_code (id, code, description, category) VALUES (1000, 'T1000', 'Exam', 'Test'),"
                    + " (1001, 'T1001', 'Cleaning', 'Test')",
            "INSERT INTO carrier (id, name) VALUES (1000, 'Acme Dental')",
            "INSERT INTO insurance_plan (id, carrier_id) VALUES (1000, 1000), (1001, 1000)",
            "INSERT INTO patient (id, last_name, first_name) VALUES (1000, 'Smith', 'Ann'), (1001, 'Jones', 'Bob')");

    private static final String APPT = "INSERT INTO appointment (id, patient_id, provider_id, start_at, length_minutes,"
            + " status) VALUES ";
    private static final String PROC = "INSERT INTO procedure_log (id, patient_id, provider_id, procedure_code_id,"
            + " appointment_id, proc_date, fee, status) VALUES ";
    private static final String PAT = "INSERT INTO patient (id, last_name, first_name, birth_date, guarantor_id,"
            + " primary_provider_id, fee_schedule_id, status, merged_into_id) VALUES ";
    private static final String PLAN = "INSERT INTO patient_plan (id, patient_id, insurance_plan_id, ordinal) VALUES ";

    /** Method name -> (statements, keys it must find). */
    static Map<String, Map.Entry<List<String>, Set<Long>>> all() {
        Map<String, Map.Entry<List<String>, Set<Long>>> p = new LinkedHashMap<>();
        put(p, "appointment-patient-missing", 2001, APPT + "(2001, 990001, 1000, '2024-03-01 09:00', 30, 'scheduled')");
        put(p, "procedure-patient-missing", 2002, PROC + "(2002, 990002, 1000, 1000, NULL, '2024-01-01', 50, 'complete')");
        put(p, "document-patient-missing", 2003, "INSERT INTO document (id, patient_id, file_name) VALUES"
                + " (2003, 990003, 'x.pdf')");
        put(p, "appointment-provider-missing", 2004, APPT + "(2004, 1000, 990004, '2024-03-01 10:00', 30, 'scheduled')");
        put(p, "procedure-provider-missing", 2005, PROC + "(2005, 1000, 990005, 1000, NULL, '2024-01-01', 50, 'complete')");
        put(p, "procedure-code-missing", 2006, PROC + "(2006, 1000, 1000, 990006, NULL, '2024-01-01', 50, 'complete')");
        put(p, "insurance-plan-carrier-missing", 2007, "INSERT INTO insurance_plan (id, carrier_id) VALUES (2007, 990007)");
        put(p, "patient-plan-patient-missing", 2008, PLAN + "(2008, 990008, 1000, 1)");
        put(p, "patient-plan-plan-missing", 2009, PLAN + "(2009, 1001, 990009, 1)");
        put(p, "fee-schedule-missing", 2010, "INSERT INTO fee (id, fee_schedule_id, procedure_code_id, amount) VALUES"
                + " (2010, 990010, 1000, 10)");
        put(p, "fee-code-missing", 2011, "INSERT INTO fee (id, fee_schedule_id, procedure_code_id, amount) VALUES"
                + " (2011, 1000, 990011, 10)");
        put(p, "procedure-appointment-missing", 2012, PROC + "(2012, 1000, 1000, 1000, 990012, '2024-01-01', 50,"
                + " 'complete')");
        put(p, "patient-guarantor-missing", 2013, PAT + "(2013, 'Gm', 'X', NULL, 990013, NULL, NULL, 'active', NULL)");
        put(p, "patient-provider-missing", 2014, PAT + "(2014, 'Pm', 'X', NULL, NULL, 990014, NULL, 'active', NULL)");
        put(p, "patient-fee-schedule-missing", 2015, PAT + "(2015, 'Fm', 'X', NULL, NULL, NULL, 990015, 'active', NULL)");
        put(p, "provider-fee-schedule-missing", 2016, "INSERT INTO provider (id, abbr, last_name, fee_schedule_id)"
                + " VALUES (2016, 'P2', 'Roe', 990016)");
        put(p, "insurance-plan-fee-schedule-missing", 2017, "INSERT INTO insurance_plan (id, carrier_id,"
                + " fee_schedule_id) VALUES (2017, 1000, 990017)");
        put(p, "practice-user-provider-missing", 2018, "INSERT INTO practice_user (id, user_name, password_hash,"
                + " provider_id) VALUES (2018, 'dbmuser', 'x', 990018)");
        put(p, "patient-merged-into-missing", 2019, PAT + "(2019, 'Mm', 'X', NULL, NULL, NULL, NULL, 'archived',"
                + " 990019)");
        put(p, "procedure-appointment-other-patient", 2020, APPT + "(2020, 1000, 1000, '2024-03-02 09:00', 30,"
                + " 'complete')", PROC + "(2020, 1001, 1000, 1000, 2020, '2024-03-02', 50, 'complete')");
        // Patient 2021 was merged into 1000; rows still on it.
        put(p, "appointment-on-merged-patient", 2021, PAT + "(2021, 'Merged', 'X', NULL, NULL, NULL, NULL, 'archived',"
                + " 1000)", APPT + "(2021, 2021, 1000, '2024-03-03 09:00', 30, 'complete')");
        put(p, "procedure-on-merged-patient", 2022, PROC + "(2022, 2021, 1000, 1000, NULL, '2024-01-01', 50, 'complete')");
        put(p, "patient-plan-on-merged-patient", 2023, PLAN + "(2023, 2021, 1000, 1)");
        put(p, "document-on-merged-patient", 2024, "INSERT INTO document (id, patient_id, file_name) VALUES"
                + " (2024, 2021, 'y.pdf')");
        put(p, "patient-guarantor-merged", 2025, PAT + "(2025, 'Gmerged', 'X', NULL, 2021, NULL, NULL, 'active', NULL)");
        put(p, "patient-guarantor-self", 2026, PAT + "(2026, 'Self', 'X', NULL, 2026, NULL, NULL, 'active', NULL)");
        put(p, "patient-guarantor-not-head", 2027, PAT + "(2027, 'Mid', 'X', NULL, 1001, NULL, NULL, 'active', NULL),"
                + " (2028, 'Child', 'X', NULL, 2027, NULL, NULL, 'active', NULL)");
        put(p, "patient-guarantor-archived", 2030, PAT + "(2029, 'Gone', 'X', NULL, NULL, NULL, NULL, 'archived', NULL),"
                + " (2030, 'Kid', 'X', NULL, 2029, NULL, NULL, 'active', NULL)");
        put(p, "patient-name-blank", 2031, PAT + "(2031, '', 'X', NULL, NULL, NULL, NULL, 'active', NULL)");
        put(p, "patient-birth-date-future", 2032, PAT + "(2032, 'Fut', 'X', '2999-01-01', NULL, NULL, NULL, 'active',"
                + " NULL)");
        put(p, "patient-birth-date-ancient", 2033, PAT + "(2033, 'Old', 'X', '1850-01-01', NULL, NULL, NULL, 'active',"
                + " NULL)");
        put(p, "patient-status-invalid", 2034, PAT + "(2034, 'Odd', 'X', NULL, NULL, NULL, NULL, 'bogus', NULL)");
        put(p, "patient-merged-not-archived", 2035, PAT + "(2035, 'Half', 'X', NULL, NULL, NULL, NULL, 'active', 1000)");
        put(p, "appointment-length-not-positive", 2036, APPT + "(2036, 1000, 1000, '2024-03-04 09:00', 0, 'scheduled')");
        put(p, "appointment-length-over-a-day", 2037, APPT + "(2037, 1000, 1000, '2024-03-05 09:00', 2000,"
                + " 'scheduled')");
        put(p, "appointment-status-invalid", 2038, APPT + "(2038, 1000, 1000, '2024-03-06 09:00', 30, 'bogus')");
        put(p, "appointment-complete-in-future", 2039, APPT + "(2039, 1000, 1000, '2999-03-06 09:00', 30, 'complete')");
        put(p, "procedure-fee-negative", 2040, PROC + "(2040, 1000, 1000, 1000, NULL, '2024-01-01', -5, 'complete')");
        put(p, "procedure-complete-in-future", 2041, PROC + "(2041, 1000, 1000, 1000, NULL, '2999-01-01', 5,"
                + " 'complete')");
        put(p, "procedure-status-invalid", 2042, PROC + "(2042, 1000, 1000, 1000, NULL, '2024-01-01', 5, 'bogus')");
        put(p, "fee-duplicate", 2044, "INSERT INTO fee (id, fee_schedule_id, procedure_code_id, amount) VALUES"
                + " (2043, 1000, 1000, 50), (2044, 1000, 1000, 60)");
        put(p, "fee-negative", 2045, "INSERT INTO fee (id, fee_schedule_id, procedure_code_id, amount) VALUES"
                + " (2045, 1000, 1001, -1)");
        put(p, "patient-plan-duplicate-ordinal", 2047, PAT + "(2046, 'Two', 'X', NULL, NULL, NULL, NULL, 'active',"
                + " NULL)", PLAN + "(2046, 2046, 1000, 1), (2047, 2046, 1001, 1)");
        put(p, "patient-plan-ordinal-invalid", 2048, PAT + "(2048, 'Zero', 'X', NULL, NULL, NULL, NULL, 'active',"
                + " NULL)", PLAN + "(2048, 2048, 1000, 0)");
        put(p, "patient-plan-same-plan-twice", 2050, PAT + "(2049, 'Twice', 'X', NULL, NULL, NULL, NULL, 'active',"
                + " NULL)", PLAN + "(2049, 2049, 1000, 1), (2050, 2049, 1000, 2)");
        put(p, "procedure-code-description-blank", 2051, "INSERT INTO procedure_code (id, code, description, category)"
                + " VALUES (2051, 'T2051', '', 'Test')");
        put(p, "carrier-name-blank", 2052, "INSERT INTO carrier (id, name) VALUES (2052, '')");
        put(p, "provider-name-blank", 2053, "INSERT INTO provider (id, abbr, last_name) VALUES (2053, 'PB', '')");
        put(p, "document-size-negative", 2054, "INSERT INTO document (id, patient_id, file_name, size_bytes) VALUES"
                + " (2054, 1000, 'z.pdf', -1)");
        return p;
    }

    private static void put(Map<String, Map.Entry<List<String>, Set<Long>>> p, String method, long key,
                            String... sql) {
        p.put(method, Map.entry(List.of(sql), Set.of(key)));
    }

    /** Runs statements in a practice's database as the node admin. */
    static void run(Connection c, String db, List<String> sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("USE `" + db + "`");
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
