package dev.cusp.restore;

import dev.cusp.backup.BackupService;
import dev.cusp.backup.BackupStore;
import dev.cusp.backup.SchemaObjects;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;
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
 *
 * <p>This class runs a restore's steps in order; the parts do the work: the {@link RestorePlanner}
 * checks a request, the {@link ScratchRebuild} rebuilds the practice on a scratch server, the
 * {@link LocalSwap} puts it in place under its journal, the {@link Holds} hold the practice and
 * end the hold, the {@link Distribution} gives it to the other sites of the group, and the
 * {@link Recovery} finishes what a stopped site left.
 */
public final class Restorer implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private final NodeConfig node;
    private final TenantRegistry registry;
    private final TenantService tenants;
    private final BinlogArchive archive;
    private final Path work;
    private final String site;
    private final TestPause pause;
    private final Positions positions;
    private final RestorePlanner planner;
    private final ScratchRebuild scratch;
    private final LocalSwap swap;
    private final Holds holds;
    private final Distribution distribution;
    private final Recovery recovery;
    private volatile RestoreGroup group = RestoreGroup.NONE;

    /** What to restore. {@code to} null: the backup's own moment; {@code backupId} null: the newest before {@code to}. */
    public record Request(String tenant, Instant to, String backupId, String as) {
    }

    /**
     * A finished restore (the job's result).
     *
     * @param schemaObjects null when the practice's views, routines and events came back from the
     *                      backup; otherwise what was done instead, in a sentence (a backup made
     *                      before backups carried them)
     */
    public record Result(String tenant, String restoredInto, String backup, Instant backupAt, Instant to,
                         long transactionsReplayed, long replayMillis, long elapsedMillis, String schemaObjects) {
    }

    /** A checked request. */
    public record Prepared(Tenant tenant, BackupStore.Stored base, ReplayPlan plan, Request request) {
    }

    public Restorer(DataSource admin, NodeConfig node, TenantRegistry registry, TenantService tenants,
                    TenantPools pools, BackupService backups, BinlogArchive archive, Path work, String site,
                    BiConsumer<String, Boolean> tenantChanged) {
        this.node = node;
        this.registry = registry;
        this.tenants = tenants;
        this.archive = archive;
        this.work = work;
        this.site = site;
        this.pause = new TestPause(work);
        this.positions = new Positions(admin, node);
        this.planner = new RestorePlanner(admin, node, registry, backups, archive);
        this.scratch = new ScratchRebuild(node, archive, work, site, pause);
        this.swap = new LocalSwap(admin, node, registry, work, pause);
        this.holds = new Holds(admin, registry, tenants, pools, backups, positions, site, tenantChanged);
        this.distribution = new Distribution(registry, pools, positions, swap, () -> group, work, site);
        this.recovery = new Recovery(registry, swap, holds, distribution, work, site);
    }

    /** The site's replication group (set once the group is made). */
    public void group(RestoreGroup g) {
        this.group = g;
        recovery.resumeWaiting();
    }

    public BinlogArchive archive() {
        return archive;
    }

    /** The moments {@code name} can be restored to now. */
    public RestoreRange range(String name) {
        return planner.range(name);
    }

    /**
     * Checks a request before a job starts: the practice exists, the moment is inside the range,
     * the backup exists. Returns the backup to start from and the plan.
     */
    public Prepared prepare(Request r) {
        return planner.prepare(r, group);
    }

    /** Runs a prepared restore; {@code step} is told each step. */
    public Result run(Prepared p, Consumer<String> step) {
        long start = System.nanoTime();
        Tenant t = p.tenant();
        Tenant into = t;
        if (p.request().as() != null) {
            step.accept("creating practice " + p.request().as());
            // The next free id; in a group, create() claims it at every peer first.
            int id = registry.all().stream().mapToInt(Tenant::id).max().orElse(0) + 1;
            into = tenants.create(p.request().as(), id).tenant();
        }
        Tenant held = into;
        String objects = schemaObjects(p, t, held);
        if (objects != null) {
            LOG.warn("tenant {}: {}", held.name(), objects);
            step.accept(objects);
        }
        List<String> others = group.others();
        RestoreJournal j = LocalSwap.journal(held, site);
        j.write(work);
        holds.hold(held);
        long replayMs = 0;
        try {
            ScratchRebuild.Rebuilt rebuilt = scratch.rebuild(p, held, step);
            replayMs = rebuilt.replayMillis();
            BackupStore.Stored restored = rebuilt.restored();
            if (!others.isEmpty()) {
                // Each other site cuts the practice's own connections there once the hold has
                // reached it (its account is locked by then), then says how far it has written:
                // every change any site made before the hold is here before the swap, and none
                // arrives afterwards to land on the restored tables.
                String held0 = positions.here();
                for (String o : others) {
                    step.accept("holding the practice at " + o + " and waiting for the changes it made before");
                    positions.waitFor(group.hold(o, held.name(), held0), o);
                }
            }
            Instant to0 = p.request().to() == null ? p.base().manifest().createdAt() : p.request().to();
            j = j.distributing(others, work.relativize(restored.folder()).toString(), "restored " + (held == t ? ""
                    : "from " + t.name() + " ") + "to " + to0 + " (backup " + p.base().manifest().id() + ", "
                    + p.plan().txns() + " transactions replayed" + (others.isEmpty() ? "" : ", at every site of the"
                    + " group") + ")" + (objects == null ? "" : "; " + objects));
            j.write(work);
            RestoreJournal done = swap.apply(held, restored, j, step);
            if (!others.isEmpty()) {
                RestoreJournal d = done.at(RestoreJournal.DISTRIBUTING);
                d.write(work);
                pause.reached("distributing");
                distribution.distribute(held, restored, d, step);
            }
            done.delete(work);
            ScratchNode.deleteTree(ScratchRebuild.out(work, held));
        } catch (SQLException | IOException | RuntimeException e) {
            throw failed(t, held, e);
        }
        holds.finish(held, j.details(), step);
        Instant to = p.request().to() == null ? p.base().manifest().createdAt() : p.request().to();
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.info("tenant {}: restored to {} from backup {} ({} transactions replayed in {} ms, {} ms in all)",
                held.name(), to, p.base().manifest().id(), p.plan().txns(), replayMs, ms);
        return new Result(t.name(), held.name(), p.base().manifest().id(), p.base().manifest().createdAt(), to,
                p.plan().txns(), replayMs, ms, objects);
    }

    /**
     * Null when the backup carries the practice's views, routines and events; otherwise what the
     * restore does instead: a backup made before backups carried them says nothing of them, so
     * the live practice's current ones are kept as they are (the restored copy carries no entry
     * for them either: {@link ScratchRebuild}), and a new practice ({@code --as}) gets none.
     */
    private static String schemaObjects(Prepared p, Tenant t, Tenant held) {
        if (SchemaObjects.carried(p.base())) {
            return null;
        }
        String why = "backup " + p.base().manifest().id() + " carries no views, routines or events (it was made"
                + " before backups carried them): ";
        return held == t ? why + "the practice's current views, routines and events were kept as they are"
                : why + held.name() + " has none; " + t.name() + " keeps its own";
    }

    /** Undoes a failed restore of {@code t} into {@code held}: the practice as it was, the hold ended. */
    private CuspException failed(Tenant t, Tenant held, Exception e) {
        distribution.forget(held.name());
        try {
            swap.recoverFailed(held.dbName());
        } catch (RuntimeException undo) {
            LOG.error("tenant {}: undoing the failed restore failed too: {}", held.name(), undo.getMessage());
        }
        ScratchNode.deleteTree(ScratchRebuild.out(work, held));
        if (held != t) {
            // The new practice --as made holds nothing of value: it goes again.
            try {
                tenants.drop(held.name(), false);
            } catch (RuntimeException dropFailed) {
                LOG.warn("tenant {}: cannot drop it after its restore failed: {}", held.name(),
                        dropFailed.getMessage());
            }
        } else {
            holds.resume(held);
        }
        if (e instanceof CuspException ce) {
            return ce;
        }
        return new CuspException(ErrorCode.UNAVAILABLE, "restore of " + t.name() + " failed: " + e.getMessage()
                + "; the practice is as it was", null, e);
    }

    /**
     * At another site of the group: fetches the restored practice the order names from the site
     * that restored it, waits until everything that site had written is applied here, and swaps
     * it in (binary log off, as there). The practice is already held: its status replicates.
     */
    public void applyOrder(RestoreGroup.RestoreOrder o) {
        distribution.applyOrder(o);
    }

    /** A file of a restored practice this site hands out during a group restore; only its manifest's files. */
    public InputStream outgoing(String tenant, String path) throws IOException {
        return distribution.outgoing(tenant, path);
    }

    /**
     * Finishes or undoes every restore a stopped site left (see {@link RestoreJournal}); called at
     * start. A practice stays held until its restore is finished or rolled back: a restore this
     * site ran alone ends here (its swap finished or undone, the hold ended); one this site was
     * giving to the other sites of its group goes on once the group is there ({@link #group});
     * at a site another site restores for, the hold is the restoring site's to end.
     */
    public void recoverAll() {
        recovery.recoverAll();
    }

    /**
     * After {@code tenant suspend} here: has every other site of the group cut the practice's
     * open connections there too. The replicated account lock only refuses new logins; a
     * practice's program connected straight to another site's node would write on. The sites are
     * asked all at once, with one deadline for all: a site that does not confirm in time is
     * logged and reported, and cuts by itself when the replicated suspend reaches it
     * ({@code group.TenantWatch}); the suspend stands either way.
     */
    public dev.cusp.tenant.SessionCuts cutSuspendedElsewhere(String tenant) {
        return holds.cutSuspendedElsewhere(tenant, group);
    }

    /**
     * At another site, for the site that suspended {@code tenant}: once that site's suspend has
     * arrived here (its position {@code fromGtid} applied), the practice's pools and sessions here
     * close and its database connections here are killed. The practice must be suspended here
     * already (its replicated status): a member's certificate alone cannot cut a practice that
     * is not suspended. Its account is locked here by then too (the lock is replicated before the
     * status), so killed connections cannot come back; no lock of this site's own is added, which
     * a later resume's replicated unlock could not lift.
     */
    public void cutSuspended(String tenant, String from, String fromGtid) {
        holds.cutSuspended(tenant, from, fromGtid);
    }

    /**
     * At a site another site restores a practice for: once that site's hold has arrived here
     * (its position {@code fromGtid} applied: the practice's status and its account lock), the
     * practice's own connections here are cut and its account locked here too; returns how far
     * this site has written, for the restoring site to wait for before its swap.
     */
    public String holdFor(String tenant, String from, String fromGtid) {
        return holds.holdFor(tenant, from, fromGtid);
    }

    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "binlog-archive");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code work} every {@code period} until {@link #close}; a failure is logged and retried. */
    void every(Duration period, Runnable work) {
        schedule.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("restore: archiving the binary logs failed: {}", e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        BinlogArchive.unregister(node);
        schedule.shutdownNow();
    }

    /**
     * A test seam: the next restore stops dead at {@code phase} ({@code replayed}, {@code loaded},
     * {@code swapping}, {@code swapped}, {@code distributing}) as a site killed there would: its thread never goes on, nothing after it
     * runs, not even the undo. The test then restarts the site.
     */
    public void stopAt(String phase) {
        pause.stopAt(phase);
    }

    /** True once a restore stopped at the test's {@link #stopAt}. */
    public boolean stopped() {
        return pause.stopped();
    }

    /** A test seam: the site's clock as this restore sees it. */
    public void clock(Clock c) {
        planner.clock(c);
    }
}
