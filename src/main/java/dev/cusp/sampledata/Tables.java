package dev.cusp.sampledata;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One {@link RowBatcher} per practice table the generator fills, with the schema's column names. */
final class Tables {
    final RowBatcher feeSchedule;
    final RowBatcher fee;
    final RowBatcher provider;
    final RowBatcher carrier;
    final RowBatcher insurancePlan;
    final RowBatcher patient;
    final RowBatcher patientPlan;
    final RowBatcher appointment;
    final RowBatcher procedure;
    final RowBatcher document;
    private final List<RowBatcher> all;

    Tables(Connection c) throws SQLException {
        KeySpacing k = KeySpacing.of(c);
        feeSchedule = new RowBatcher(c, k, "fee_schedule", "id", "description", "fee_type", "is_hidden",
                "created_at", "updated_at");
        fee = new RowBatcher(c, k, "fee", "id", "fee_schedule_id", "procedure_code_id", "amount", "created_at",
                "updated_at");
        provider = new RowBatcher(c, k, "provider", "id", "abbr", "first_name", "last_name", "npi", "specialty",
                "fee_schedule_id", "is_hidden", "created_at", "updated_at");
        carrier = new RowBatcher(c, k, "carrier", "id", "name", "address", "city", "state", "zip", "phone",
                "electronic_id", "created_at", "updated_at");
        insurancePlan = new RowBatcher(c, k, "insurance_plan", "id", "carrier_id", "group_name", "group_num",
                "plan_type", "fee_schedule_id", "note", "created_at", "updated_at");
        patient = new RowBatcher(c, k, "patient", "id", "last_name", "first_name", "middle_initial",
                "preferred_name", "birth_date", "gender", "guarantor_id", "primary_provider_id", "fee_schedule_id",
                "status", "email", "phone_home", "phone_wireless", "address", "city", "state", "zip", "created_at",
                "updated_at");
        patientPlan = new RowBatcher(c, k, "patient_plan", "id", "patient_id", "insurance_plan_id", "ordinal",
                "subscriber_id", "relationship", "created_at", "updated_at");
        appointment = new RowBatcher(c, k, "appointment", "id", "patient_id", "provider_id", "start_at",
                "length_minutes", "status", "note", "created_at", "updated_at");
        procedure = new RowBatcher(c, k, "procedure_log", "id", "patient_id", "provider_id", "procedure_code_id",
                "appointment_id", "proc_date", "fee", "status", "tooth", "surface", "note", "created_at",
                "date_tstamp");
        document = new RowBatcher(c, k, "document", "id", "patient_id", "file_name", "description", "mime_type",
                "size_bytes", "sha256", "created_at", "updated_at");
        all = List.of(feeSchedule, fee, provider, carrier, insurancePlan, patient, patientPlan, appointment, procedure,
                document);
    }

    void flush() throws SQLException {
        for (RowBatcher b : all) {
            b.flush();
        }
    }

    long written() {
        long n = 0;
        for (RowBatcher b : all) {
            n += b.written();
        }
        return n;
    }

    /** Rows written, by table name, in the order above. */
    Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RowBatcher b : all) {
            m.put(b.table(), b.written());
        }
        return m;
    }

    void close() throws SQLException {
        for (RowBatcher b : all) {
            b.close();
        }
    }
}
