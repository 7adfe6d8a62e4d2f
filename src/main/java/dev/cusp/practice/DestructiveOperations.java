package dev.cusp.practice;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations the seeds call destructive, each in the caller's single transaction. A
 * delete of a fee schedule is {@link Records#delete}: refused while in use, naming the users.
 */
public final class DestructiveOperations {
    /** Every column that points at a patient, moved by a merge. */
    private static final List<String[]> PATIENT_REFERENCES = List.of(
            new String[] {"appointment", "patient_id"}, new String[] {"procedure_log", "patient_id"},
            new String[] {"patient_plan", "patient_id"}, new String[] {"document", "patient_id"},
            new String[] {"patient", "guarantor_id"});

    private DestructiveOperations() {
    }

    /** A merge's answer: the kept patient as stored now, the merged one's id, rows moved per table and column. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Merged(Row kept, long mergedId, Map<String, Integer> moved) {
    }

    /** A combine's answer: the kept plan as stored now, the plans deleted, patient plans moved and removed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Combined(Row kept, List<Long> deletedPlanIds, int patientPlansMoved,
                           int duplicatePatientPlansRemoved) {
    }

    /**
     * Merges patient {@code from} into {@code into}: every reference moves to the kept patient;
     * the merged patient stays, archived, with {@code merged_into_id} set, so nothing is lost.
     *
     * @return how many rows moved, per table and column
     */
    public static Merged mergePatients(Connection c, Actor actor, long from, long into)
            throws SQLException {
        if (from == into) {
            throw CuspException.invalid("into", "a patient cannot be merged into itself");
        }
        Records.lock(c, Entities.PATIENTS, Math.min(from, into));
        Records.lock(c, Entities.PATIENTS, Math.max(from, into));
        for (long id : new long[] {into, from}) {
            try (PreparedStatement ps = c.prepareStatement("SELECT merged_into_id FROM patient WHERE id = ?")) {
                ps.setLong(1, id);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long merged = rs.getLong(1);
                    if (!rs.wasNull()) {
                        throw new CuspException(ErrorCode.CONFLICT, "patient " + id + " was already merged into"
                                + " patient " + merged + (id == into ? "; merge into " + merged + " instead" : "")
                                + "; nothing was changed", id == into ? "into" : "from");
                    }
                }
            }
        }
        Map<String, Integer> moved = new LinkedHashMap<>();
        for (String[] ref : PATIENT_REFERENCES) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + ref[0] + " SET " + ref[1] + " = ? WHERE "
                    + ref[1] + " = ?" + (ref[0].equals("patient") ? " AND id <> ?" : ""))) {
                ps.setLong(1, into);
                ps.setLong(2, from);
                if (ref[0].equals("patient")) {
                    ps.setLong(3, into);
                }
                moved.put(ref[0] + "." + ref[1], ps.executeUpdate());
            }
        }
        // The kept patient is not moved above (it would point at itself): if the merged patient
        // was its guarantor, it becomes its own guarantor.
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE patient SET guarantor_id = NULL WHERE id = ? AND guarantor_id = ?")) {
            ps.setLong(1, into);
            ps.setLong(2, from);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE patient SET status = 'archived', merged_into_id = ?, guarantor_id = NULL WHERE id = ?")) {
            ps.setLong(1, into);
            ps.setLong(2, from);
            ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "merge", "patient", into, "merged patient " + from + " into " + into
                + "; moved " + moved);
        return new Merged(Records.read(c, Entities.PATIENTS, into), from, moved);
    }

    /**
     * Combines insurance plans into {@code keep}: patient plans move to it (a patient who then
     * holds the same plan twice keeps the lower ordinal), and the other plans are deleted.
     */
    public static Combined combinePlans(Connection c, Actor actor, long keep, List<Long> merge)
            throws SQLException {
        if (merge.isEmpty()) {
            throw CuspException.invalid("merge", "merge must list at least one plan id to combine into keep");
        }
        if (merge.contains(keep)) {
            throw CuspException.invalid("merge", "plan " + keep + " is the one kept; it cannot also be merged");
        }
        if (merge.stream().distinct().count() != merge.size()) {
            throw CuspException.invalid("merge", "merge lists a plan id twice");
        }
        Records.lock(c, Entities.INSURANCE_PLANS, keep);
        for (long id : merge.stream().sorted().toList()) {
            Records.lock(c, Entities.INSURANCE_PLANS, id);
        }
        int moved = 0;
        int duplicates = 0;
        for (long id : merge) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE patient_plan SET insurance_plan_id = ? WHERE insurance_plan_id = ?")) {
                ps.setLong(1, keep);
                ps.setLong(2, id);
                moved += ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM insurance_plan WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE pp FROM patient_plan pp JOIN patient_plan other"
                + " ON other.patient_id = pp.patient_id AND other.insurance_plan_id = pp.insurance_plan_id"
                + " AND (other.ordinal < pp.ordinal OR (other.ordinal = pp.ordinal AND other.id < pp.id))"
                + " WHERE pp.insurance_plan_id = ?")) {
            ps.setLong(1, keep);
            duplicates = ps.executeUpdate();
        }
        SecurityLog.write(c, actor, "combine", "insurance_plan", keep, "combined plans " + merge + " into " + keep
                + "; moved " + moved + " patient plans, removed " + duplicates + " duplicates");
        return new Combined(Records.read(c, Entities.INSURANCE_PLANS, keep), merge, moved, duplicates);
    }
}
