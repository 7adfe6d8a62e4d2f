package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.sampledata.PracticeDataGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tenant seed-data}: fills an empty practice with a generated sample practice, through
 * the tenant's own pool (never as an admin), so the data lands exactly where and how the
 * practice's own writes would, binary log and replication included.
 */
final class TenantSeedData {
    private static final Logger LOG = LoggerFactory.getLogger(TenantSeedData.class);

    private final TenantRegistry registry;
    private final TenantPools pools;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    TenantSeedData(TenantRegistry registry, TenantPools pools) {
        this.registry = registry;
        this.pools = pools;
    }

    PracticeDataGenerator.Result seed(String name, Integer patients, long seed) {
        Tenant t = registry.require(name);
        if (patients == null) {
            throw CuspException.invalid("patients", "patients is required: how many patients to generate, 1 to "
                    + PracticeDataGenerator.MAX_PATIENTS);
        }
        if (patients < 1 || patients > PracticeDataGenerator.MAX_PATIENTS) {
            throw CuspException.invalid("patients", "patients must be 1 to " + PracticeDataGenerator.MAX_PATIENTS
                    + ", not " + patients + " (50000 makes the large practice, about a million procedures)");
        }
        if (t.status() == Tenant.Status.SUSPENDED) {
            throw new CuspException(ErrorCode.LOCKED, "tenant '" + name + "' is suspended; resume it first with"
                    + " 'cusp tenant resume " + name + "'");
        }
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "tenant '" + name + "' is not ready yet");
        }
        if (!running.add(name)) {
            throw CuspException.conflict("seed-data is already filling tenant '" + name + "'; wait for it to end");
        }
        AtomicInteger done = new AtomicInteger();
        try {
            DataSource ds = pools.dataSource(t);
            if (hasPatients(ds)) {
                throw CuspException.conflict("tenant '" + name + "' already has patients; seed-data only fills an"
                        + " empty practice: create a new tenant ('cusp tenant create') and seed that");
            }
            LOG.info("tenant {}: seed-data of {} patients (seed {}) started", name, patients, seed);
            PracticeDataGenerator.Result r = PracticeDataGenerator.generate(ds, patients, seed, (n, rows) -> {
                done.set(n);
                LOG.info("tenant {}: seed-data {}/{} patients committed, {} rows so far", name, n, patients, rows);
            });
            LOG.info("tenant {}: seed-data done: {} rows in {} ms {}", name, r.totalRows(), r.elapsedMs(), r.rows());
            return r;
        } catch (SQLException e) {
            LOG.warn("tenant {}: seed-data failed after {} patients: {}", name, done.get(), e.getMessage());
            throw new CuspException(ErrorCode.INTERNAL, "seed-data of tenant '" + name + "' stopped after "
                    + done.get() + " patients (those stay): " + e.getMessage() + "; drop the tenant and seed a new"
                    + " one", null, e);
        } finally {
            running.remove(name);
        }
    }

    private static boolean hasPatients(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM patient)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
