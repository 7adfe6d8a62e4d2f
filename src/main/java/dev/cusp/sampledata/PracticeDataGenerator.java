package dev.cusp.sampledata;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Fills an empty practice database with a realistic sample practice: families with
 * guarantors, dentists and hygienists, fee schedules for the starter CDT codes, carriers and
 * employer plans, about six years of appointments with procedures, and document metadata.
 * About 20 procedures per patient: 50,000 patients make the "large practice" of about a
 * million procedures.
 *
 * <p>Deterministic: the same seed and size give the same rows (keys included, on a node with
 * the same auto-increment spacing), because every choice comes from one seeded sequence and
 * every timestamp is generated, never the clock. History ends on {@link #AS_OF}.
 *
 * <p>Rows go out as multi-row INSERTs, committed every {@link #CHUNK_PATIENTS} patients, so
 * a large run holds little memory and reports progress as it goes. Give it the tenant's own
 * pool: the generator needs nothing beyond the practice's tables.
 */
public final class PracticeDataGenerator {
    public static final int MAX_PATIENTS = 200_000;
    /** Patients (with everything that belongs to them) per transaction. */
    public static final int CHUNK_PATIENTS = 1_000;
    /** The sample practice opened here... */
    static final LocalDateTime OPENED = LocalDateTime.of(2012, 1, 3, 9, 0);
    /** ...has appointments from here... */
    static final LocalDate HISTORY_START = LocalDate.of(2020, 1, 1);
    /** ...to here (and some booked in the months after). */
    static final LocalDate AS_OF = LocalDate.of(2026, 1, 1);

    /** Told after each committed chunk. */
    @FunctionalInterface
    public interface Progress {
        void committed(int patientsSoFar, long rowsSoFar);
    }

    /** Rows written per table (schema table names) and how long it took. */
    public record Result(Map<String, Long> rows, long elapsedMs) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private PracticeDataGenerator() {
    }

    private interface SqlStep {
        void run() throws SQLException;
    }

    /**
     * Clean-up on a connection that may be dead (the tenant was suspended, the node stopped):
     * its failure must not hide the error that brought us here.
     */
    private static void quietly(SqlStep step, Exception cause) {
        try {
            step.run();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * Writes a practice of {@code patients} patients into {@code db}. Expects the practice
     * schema with its starter procedure codes; does not check that the practice is empty
     * (callers that must not mix data check first). On failure the chunks already committed
     * stay.
     */
    public static Result generate(DataSource db, int patients, long seed, Progress progress) throws SQLException {
        if (patients < 1 || patients > MAX_PATIENTS) {
            throw new IllegalArgumentException("patients must be 1 to " + MAX_PATIENTS + ", not " + patients);
        }
        long started = System.nanoTime();
        try (Connection c = db.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            Tables t = new Tables(c);
            try {
                Dice dice = new Dice(seed);
                CodeCatalog codes = CodeCatalog.load(c);
                ReferenceData ref = new ReferenceData(dice, codes, t, patients, OPENED);
                t.flush();
                c.commit();
                Documents documents = new Documents(dice, t);
                Families families = new Families(dice, t, ref, new Visits(dice, t, codes, ref, documents), documents);
                int done = 0;
                int chunkEnd = Math.min(patients, CHUNK_PATIENTS);
                while (done < patients) {
                    done += families.next(patients - done);
                    if (done >= chunkEnd) {
                        t.flush();
                        c.commit();
                        chunkEnd = Math.min(patients, done + CHUNK_PATIENTS);
                        if (progress != null) {
                            progress.committed(done, t.written());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                quietly(c::rollback, e);
                throw e;
            } finally {
                quietly(t::close, null);
                quietly(() -> c.setAutoCommit(autoCommit), null);
            }
            return new Result(t.counts(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
