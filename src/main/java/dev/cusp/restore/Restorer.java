package dev.cusp.restore;

import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupReader;
import dev.cusp.backup.BackupService;
import dev.cusp.backup.BackupStore;
import dev.cusp.backup.BackupWriter;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeConfig;
import dev.cusp.practice.Actor;
import dev.cusp.practice.SecurityLog;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cusp tenant restore}: one practice back to a moment. The newest backup at or before the
 * moment is loaded into a scratch server, the archived binary logs replay that practice's own
 * transactions up to the moment there, the result is backed up from the scratch server in the
 * backup format, loaded into a staging database of the node, and swapped in (see
 * {@link PracticeSwap}). The practice is held (503 "being restored") from the first step to the
 * last, and the restore is written to its security log. Every other practice is untouched: the
 * node is only asked to close its current binary log, to create and drop the staging databases
 * and to rename the practice's own tables.
 */
public final class Restorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private final DataSource admin;
    private final NodeConfig node;
    private final TenantRegistry registry;
    private final TenantService tenants;
    private final TenantPools pools;
    private final BackupService backups;
    private final BinlogArchive archive;
    private final Path work;
    private final String site;
    private final BiConsumer<String, Boolean> tenantChanged;
    private volatile Clock clock = Clock.systemUTC();

    /** What to restore. {@code to} null: the backup's own moment; {@code backupId} null: the newest before {@code to}. */
    public record Request(String tenant, Instant to, String backupId, String as) {
    }

    /** A finished restore (the job's result). */
    public record Result(String tenant, String restoredInto, String backup, Instant backupAt, Instant to,
                         long transactionsReplayed, long replayMillis, long elapsedMillis) {
    }

    public Restorer(DataSource admin, NodeConfig node, TenantRegistry registry, TenantService tenants,
                    TenantPools pools, BackupService backups, BinlogArchive archive, Path work, String site,
                    BiConsumer<String, Boolean> tenantChanged) {
        this.admin = admin;
        this.node = node;
        this.registry = registry;
        this.tenants = tenants;
        this.pools = pools;
        this.backups = backups;
        this.archive = archive;
        this.work = work;
        this.site = site;
        this.tenantChanged = tenantChanged;
    }

    public BinlogArchive archive() {
        return archive;
    }

    /** The moments {@code name} can be restored to now. */
    public RestoreRange range(String name) {
        Tenant t = registry.require(name);
        archiveNow();
        return range(t, backups.store().list(t.dbName()));
    }

    private RestoreRange range(Tenant t, List<BackupStore.Stored> list) {
        Instant now = clock.instant();
        try {
            List<BinlogEvents.Index> idx = archive.indexes();
            for (BackupStore.Stored b : list) {
                if (ReplayPlan.of(idx, b.manifest().gtidPosition(), now.getEpochSecond()) != null) {
                    return new RestoreRange(b.manifest().createdAt(), now);
                }
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot read the binary log archive: " + e.getMessage());
        }
        return new RestoreRange(null, now);
    }

    /**
     * Checks a request before a job starts: the practice exists, the moment is inside the range,
     * the backup exists. Returns the backup to start from and the plan.
     */
    public Prepared prepare(Request r) {
        Tenant t = registry.require(r.tenant());
        if (r.as() != null) {
            try {
                dev.cusp.tenant.TenantNames.requireName(r.as());
            } catch (CuspException e) {
                throw CuspException.invalid("as", e.getMessage());
            }
        }
        if (r.as() != null && registry.find(r.as()).isPresent()) {
            throw new CuspException(ErrorCode.CONFLICT, "a practice named '" + r.as() + "' exists already; --as"
                    + " makes a new practice", "as");
        }
        archiveNow();
        List<BackupStore.Stored> list = backups.store().list(t.dbName());
        RestoreRange range = range(t, list);
        Instant now = clock.instant();
        if (r.to() != null && r.to().isAfter(now)) {
            throw CuspException.invalid("to", "'" + r.to() + "' is in the future; " + t.name() + " can be restored to a"
                    + " moment " + range.describe());
        }
        BackupStore.Stored base;
        if (r.backupId() != null) {
            base = backups.store().find(t.dbName(), r.backupId());
            if (r.to() != null && r.to().isBefore(base.manifest().createdAt())) {
                throw CuspException.invalid("to", "backup " + r.backupId() + " was made at " + base.manifest().createdAt()
                        + ", after " + r.to() + "; pick an older backup or a later moment");
            }
        } else {
            Instant to = r.to() == null ? now : r.to();
            base = null;
            for (BackupStore.Stored b : list) {
                if (!b.manifest().createdAt().isAfter(to)) {
                    base = b;
                }
            }
            if (base == null || range.oldest() == null || to.isBefore(range.oldest())) {
                throw CuspException.invalid("to", "'" + to + "' is before the oldest moment " + t.name()
                        + " can be restored to; possible: " + range.describe());
            }
        }
        ReplayPlan plan = ReplayPlan.of(indexes(), base.manifest().gtidPosition(),
                r.to() == null ? base.manifest().createdAt().getEpochSecond() : r.to().getEpochSecond());
        if (plan == null && r.to() != null) {
            throw CuspException.invalid("to", "the binary log archive no longer reaches back to backup "
                    + base.manifest().id() + "; possible: " + range.describe());
        }
        if (plan == null) {
            plan = new ReplayPlan(List.of(), 0, -1, 0, -1);
        }
        return new Prepared(t, base, plan, r);
    }

    /** A checked request. */
    public record Prepared(Tenant tenant, BackupStore.Stored base, ReplayPlan plan, Request request) {
    }

    /** Runs a prepared restore; {@code step} is told each step. */
    public Result run(Prepared p, Consumer<String> step) {
        long start = System.nanoTime();
        Tenant t = p.tenant();
        String target = t.dbName();
        Tenant into = t;
        if (p.request().as() != null) {
            step.accept("creating practice " + p.request().as());
            // The next free id; in a group, create() claims it at every peer first.
            int id = registry.all().stream().mapToInt(Tenant::id).max().orElse(0) + 1;
            into = tenants.create(p.request().as(), id).tenant();
            target = into.dbName();
        }
        Tenant held = into;
        RestoreJournal j = new RestoreJournal(held.name(), target, "cusp_rst_" + held.id(), "cusp_rsold_" + held.id(),
                RestoreJournal.LOADING, List.of(), List.of());
        j.write(work);
        hold(held);
        long replayMs = 0;
        try {
            BackupStore.Stored restored;
            step.accept("starting a scratch server");
            try (ScratchNode scratch = ScratchNode.start(node, work, List.of(wild(t.dbName())))) {
                DataSource sds = dataSource(scratch.config());
                step.accept("loading backup " + p.base().manifest().id());
                new BackupReader(sds, scratch.config()).load(p.base(), t.dbName(), BackupReader.LoadOptions.WITH_TRIGGERS);
                step.accept("replaying " + p.plan().txns() + " transactions of the binary log archive");
                replayMs = Replayer.replay(scratch, archive, p.plan(), files -> { });
                step.accept("copying the restored practice out of the scratch server");
                BackupStore out = new BackupStore(work.resolve("out-" + held.id()));
                restored = new BackupWriter(sds, scratch.config(), out, site).write(t, "restore");
            }
            step.accept("loading the restored practice beside the live one");
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0");
                s.execute("DROP DATABASE IF EXISTS `" + j.staging() + "`");
                s.execute("DROP DATABASE IF EXISTS `" + j.old() + "`");
            }
            new BackupReader(admin, node).load(restored, j.staging(), BackupReader.LoadOptions.TABLES_ONLY);
            reached("loaded");
            List<RestoreJournal.Trigger> live;
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                live = PracticeSwap.triggers(s, target);
            }
            String definer = "`" + held.dbUser() + "`@`%`";
            List<RestoreJournal.Trigger> fresh = restored.manifest().triggers().stream().map(g ->
                    new RestoreJournal.Trigger(g.name(), g.sqlMode(), held == t ? g.createTrigger() : g.createTrigger()
                            .replaceFirst("^CREATE DEFINER=`[^`]+`@`[^`]+`", "CREATE DEFINER=" + definer))).toList();
            j = j.withTriggers(live, fresh).at(RestoreJournal.SWAPPING);
            j.write(work);
            step.accept("swapping the restored tables in");
            PracticeSwap.swap(admin, j, () -> reached("swapping"));
            j = j.at(RestoreJournal.SWAPPED);
            j.write(work);
            reached("swapped");
            PracticeSwap.finish(admin, j);
            ScratchNode.deleteTree(work.resolve("out-" + held.id()));
            j.delete(work);
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                recover(j.at(j.phase()));
            } catch (RuntimeException undo) {
                LOG.error("tenant {}: undoing the failed restore failed too: {}", held.name(), undo.getMessage());
            }
            ScratchNode.deleteTree(work.resolve("out-" + held.id()));
            if (held != t) {
                // The new practice --as made holds nothing of value: it goes again.
                try {
                    tenants.drop(held.name(), false);
                } catch (RuntimeException dropFailed) {
                    LOG.warn("tenant {}: cannot drop it after its restore failed: {}", held.name(),
                            dropFailed.getMessage());
                }
            }
            if (e instanceof CuspException ce) {
                throw ce;
            }
            throw new CuspException(ErrorCode.UNAVAILABLE, "restore of " + t.name() + " failed: " + e.getMessage()
                    + "; the practice is as it was", null, e);
        }
        // The restored practice's history no longer follows the binary log before this moment:
        // a backup now is where any later restore to a moment after this one starts.
        step.accept("backing up the restored practice");
        backups.backup(held.name(), "restored");
        resume(held);
        Instant to = p.request().to() == null ? p.base().manifest().createdAt() : p.request().to();
        logRestore(held, "restored " + (held == t ? "" : "from " + t.name() + " ") + "to " + to + " (backup "
                + p.base().manifest().id() + ", " + p.plan().txns() + " transactions replayed)");
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.info("tenant {}: restored to {} from backup {} ({} transactions replayed in {} ms, {} ms in all)",
                held.name(), to, p.base().manifest().id(), p.plan().txns(), replayMs, ms);
        return new Result(t.name(), held.name(), p.base().manifest().id(), p.base().manifest().createdAt(), to,
                p.plan().txns(), replayMs, ms);
    }

    /** Finishes or undoes every restore a killed site left (see {@link RestoreJournal}); called at start. */
    public void recoverAll() {
        ScratchNode.reapLeftovers(work);
        for (RestoreJournal j : RestoreJournal.all(work)) {
            recover(j);
            registry.find(j.tenant()).ifPresent(this::resume);
        }
    }

    private void recover(RestoreJournal j) {
        try {
            if (RestoreJournal.SWAPPED.equals(j.phase())
                    || (RestoreJournal.SWAPPING.equals(j.phase()) && PracticeSwap.swapped(admin, j))) {
                PracticeSwap.finish(admin, j.at(RestoreJournal.SWAPPED));
                LOG.info("tenant {}: the interrupted restore was completed", j.tenant());
            } else {
                PracticeSwap.undo(admin, j);
                LOG.info("tenant {}: the interrupted restore was undone; the practice is as it was", j.tenant());
            }
            ScratchNode.deleteTree(work.resolve("out-" + j.staging().replace("cusp_rst_", "")));
            j.delete(work);
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot finish the interrupted restore of " + j.tenant()
                    + ": " + e.getMessage(), null, e);
        }
    }

    private void hold(Tenant t) {
        registry.update(t.name(), Tenant.Status.RESTORING, null);
        tenantChanged.accept(t.name(), true);
        pools.evict(t.name());
    }

    private void resume(Tenant t) {
        registry.update(t.name(), Tenant.Status.ACTIVE, null);
        tenantChanged.accept(t.name(), false);
    }

    private void logRestore(Tenant t, String details) {
        try (TenantPools.Lease l = pools.lease(registry.require(t.name()))) {
            SecurityLog.write(l.connection(), new Actor("site admin", site), "restore", "practice", null, details);
        } catch (SQLException e) {
            LOG.warn("tenant {}: restored, but the security log entry failed: {}", t.name(), e.getMessage());
        }
    }

    private void archiveNow() {
        try (Connection c = admin.getConnection()) {
            archive.flushAndArchive(node, c);
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot archive the node's binary logs: " + e.getMessage());
        }
    }

    private List<BinlogEvents.Index> indexes() {
        try {
            return archive.indexes();
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot read the binary log archive: " + e.getMessage());
        }
    }

    /** The replication filter for exactly one database ({@code _} is a LIKE wildcard: escaped). */
    static String wild(String db) {
        return db.replace("_", "\\_") + ".%";
    }

    private static DataSource dataSource(NodeConfig c) throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + c.port() + "/");
        ds.setUser(EmbeddedNode.ADMIN_USER);
        ds.setPassword(c.adminPassword());
        return ds;
    }

    private final java.util.concurrent.ScheduledExecutorService schedule =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "binlog-archive");
                t.setDaemon(true);
                return t;
            });

    /** Runs {@code work} every {@code period} until {@link #close}; a failure is logged and retried. */
    void every(java.time.Duration period, Runnable work) {
        schedule.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("restore: archiving the binary logs failed: {}", e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }

    private volatile String stopAt;

    /**
     * A test seam: the next restore stops dead at {@code phase} ({@code loaded}, {@code swapping},
     * {@code swapped}) as a site killed there would: nothing after it runs, not even the undo.
     */
    public void stopAt(String phase) {
        this.stopAt = phase;
    }

    /** What a test's {@link #stopAt} throws: an Error, so no cleanup of the restore catches it. */
    public static final class Stopped extends Error {
        Stopped(String phase) {
            super("restore stopped at " + phase + " (test)");
        }
    }

    private volatile boolean stopped;

    /** True once a restore stopped at the test's {@link #stopAt}. */
    public boolean stopped() {
        return stopped;
    }

    private void reached(String phase) {
        if (phase.equals(stopAt)) {
            stopAt = null;
            stopped = true;
            throw new Stopped(phase);
        }
    }

    /** A test seam: the site's clock as this restore sees it. */
    public void clock(Clock c) {
        this.clock = c;
    }
}
