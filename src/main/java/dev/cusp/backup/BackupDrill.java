package dev.cusp.backup;

import dev.cusp.error.CuspException;
import dev.cusp.maintenance.MaintenanceMethod;
import dev.cusp.maintenance.MethodCatalog;
import dev.cusp.node.Binlog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verification drill: proves one backup restorable. Checks every file against the manifest,
 * loads the backup into a scratch database ({@code drill_<random>}: outside every practice's
 * grants, tables only), runs every maintenance check there, counts every table's rows against
 * the manifest, then makes the practice's views and routines there ({@link SchemaObjects#prove}:
 * made with the practice's user as definer, never run, dropped again), drops the scratch copy
 * and records the result on the backup.
 *
 * <p>The maintenance checks run as the site's admin account, not as the practice's user (who
 * has no grant on the scratch database): that is safe because the scratch database holds only
 * base tables this site created from the manifest, and a check is a fixed SELECT of the
 * catalogue. What a check finds is reported, not a failure: the backup holds the practice's
 * data as it was. A check that cannot run (a missing table or column) is a failure.
 */
public final class BackupDrill {
    private static final Logger LOG = LoggerFactory.getLogger(BackupDrill.class);
    static final String SCRATCH_PREFIX = "drill_";

    private final DataSource admin;
    private final BackupReader reader;
    private final BackupStore store;

    public BackupDrill(DataSource admin, BackupReader reader, BackupStore store) {
        this.admin = admin;
        this.reader = reader;
        this.store = store;
    }

    /** Runs the drill on {@code b} and records its result on it. */
    public BackupVerification run(BackupStore.Stored b) {
        long start = System.nanoTime();
        BackupManifest m = b.manifest();
        List<String> problems = new ArrayList<>(BackupReader.verifyFiles(b));
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Long> maintenance = new LinkedHashMap<>();
        if (problems.isEmpty()) {
            String scratch = SCRATCH_PREFIX + HexFormat.of().formatHex(randomBytes());
            try {
                reader.load(b, scratch, BackupReader.LoadOptions.TABLES_ONLY);
                rows.putAll(reader.rowCounts(scratch, m.tables().stream().map(BackupManifest.Table::name).toList()));
                m.rowCounts().forEach((table, expected) -> {
                    Long found = rows.get(table);
                    if (!expected.equals(found)) {
                        problems.add("table " + table + " holds " + found + " rows, the manifest says " + expected);
                    }
                });
                maintenance.putAll(checks(scratch, problems));
                // After the checks, which run as the admin: the practice's views and routines are made
                // (never run) only now, as the practice's user, to prove the backup brings them back.
                SchemaObjects.prove(admin, b, scratch, m.database());
            } catch (CuspException e) {
                problems.add(e.getMessage());
            } finally {
                reader.drop(scratch);
            }
        }
        BackupVerification v = new BackupVerification(Instant.now(), problems.isEmpty(), problems, rows, maintenance,
                (System.nanoTime() - start) / 1_000_000);
        store.recordVerification(b, v);
        if (v.ok()) {
            LOG.info("tenant {}: backup {} verified ({} tables, {} ms)", m.tenant(), m.id(), rows.size(),
                    v.elapsedMillis());
        } else {
            LOG.error("tenant {}: backup {} FAILED its drill: {}", m.tenant(), m.id(), String.join("; ", problems));
        }
        return v;
    }

    /** Removes scratch databases a drill interrupted by a crash left behind. */
    public void removeScratch() {
        List<String> left = new ArrayList<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '"
                     + SCRATCH_PREFIX.replace("_", "\\_") + "%'")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        } catch (SQLException e) {
            LOG.warn("cannot list drill scratch databases: {}", e.getMessage());
        }
        left.forEach(reader::drop);
    }

    private Map<String, Long> checks(String scratch, List<String> problems) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            Binlog.withoutBinlog(admin, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("USE `" + scratch + "`");
                    for (MaintenanceMethod mm : MethodCatalog.all()) {
                        try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT f.id) FROM (" + mm.checkSql() + ") f")) {
                            rs.next();
                            out.put(mm.name(), rs.getLong(1));
                        } catch (SQLException e) {
                            problems.add("maintenance check " + mm.name() + " cannot run on the loaded copy: "
                                    + e.getMessage());
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            problems.add("cannot run the maintenance checks: " + e.getMessage());
        }
        return out;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
