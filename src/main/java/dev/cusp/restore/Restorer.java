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
    /** A trigger's CREATE statement up to its table: that table's plain name, no database. */
    private static final java.util.regex.Pattern TRIGGER = java.util.regex.Pattern.compile("(?i)CREATE\\s+DEFINER=`[^`]+`@`[^`]+`"
            + "\\s+TRIGGER\\s+`?[A-Za-z0-9_]+`?\\s+(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+`?([A-Za-z0-9_]+)`?\\s");
    /** The manifest's file name in a backup folder (see dev.cusp.backup). */
    static final String MANIFEST = "manifest.json";
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
    private volatile RestoreGroup group = RestoreGroup.NONE;
    /** Restored practices this site hands out to the other sites of its group, by practice name. */
    private final java.util.Map<String, BackupStore.Stored> outgoing = new java.util.concurrent.ConcurrentHashMap<>();

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

    /** The site's replication group (set once the group is made). */
    public void group(RestoreGroup g) {
        this.group = g;
        for (RestoreJournal j : resumeLater) {
            resumeLater.remove(j);
            Thread.ofVirtual().name("restore-resume-" + j.tenant()).start(() -> resumeDistribution(j));
        }
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
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.CONFLICT, "practice '" + t.name() + "' is " + t.status().label()
                    + "; a restore starts from an active practice" + (t.status() == Tenant.Status.SUSPENDED
                    ? " ('cusp tenant resume " + t.name() + "' first)" : ": wait for what it is doing to finish"));
        }
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
        if (!group.others().isEmpty()) {
            group.brokenLink().ifPresent(why -> {
                throw new CuspException(ErrorCode.CONFLICT, "a restore puts the practice in place at every site of the"
                        + " group, so it needs every link healthy: " + why + "; nothing was changed");
            });
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
        Tenant into = t;
        if (p.request().as() != null) {
            step.accept("creating practice " + p.request().as());
            // The next free id; in a group, create() claims it at every peer first.
            int id = registry.all().stream().mapToInt(Tenant::id).max().orElse(0) + 1;
            into = tenants.create(p.request().as(), id).tenant();
        }
        Tenant held = into;
        List<String> others = group.others();
        RestoreJournal j = journal(held, site);
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
                reached("replayed");
                step.accept("copying the restored practice out of the scratch server");
                BackupStore out = new BackupStore(work.resolve("out-" + held.id()));
                restored = new BackupWriter(sds, scratch.config(), out, site).write(t, "restore");
            }
            if (!others.isEmpty()) {
                // Each other site cuts the practice's own connections there once the hold has
                // reached it (its account is locked by then), then says how far it has written:
                // every change any site made before the hold is here before the swap, and none
                // arrives afterwards to land on the restored tables.
                String held0 = binlogPos();
                for (String o : others) {
                    step.accept("holding the practice at " + o + " and waiting for the changes it made before");
                    waitFor(group.hold(o, held.name(), held0), o);
                }
            }
            Instant to0 = p.request().to() == null ? p.base().manifest().createdAt() : p.request().to();
            j = j.distributing(others, work.relativize(restored.folder()).toString(), "restored " + (held == t ? ""
                    : "from " + t.name() + " ") + "to " + to0 + " (backup " + p.base().manifest().id() + ", "
                    + p.plan().txns() + " transactions replayed" + (others.isEmpty() ? "" : ", at every site of the"
                    + " group") + ")");
            j.write(work);
            RestoreJournal done = applyLocal(held, restored, j, step);
            if (!others.isEmpty()) {
                RestoreJournal d = done.at(RestoreJournal.DISTRIBUTING);
                d.write(work);
                reached("distributing");
                distribute(held, restored, d, step);
            }
            done.delete(work);
            ScratchNode.deleteTree(work.resolve("out-" + held.id()));
        } catch (SQLException | IOException | RuntimeException e) {
            outgoing.remove(held.name());
            try {
                RestoreJournal now = RestoreJournal.all(work).stream().filter(x -> x.target().equals(held.dbName()))
                        .findFirst().orElse(null);
                if (now != null) {
                    recover(now);
                    now.delete(work);
                }
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
            } else {
                resume(held);
            }
            if (e instanceof CuspException ce) {
                throw ce;
            }
            throw new CuspException(ErrorCode.UNAVAILABLE, "restore of " + t.name() + " failed: " + e.getMessage()
                    + "; the practice is as it was", null, e);
        }
        finish(held, j.details(), step);
        Instant to = p.request().to() == null ? p.base().manifest().createdAt() : p.request().to();
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.info("tenant {}: restored to {} from backup {} ({} transactions replayed in {} ms, {} ms in all)",
                held.name(), to, p.base().manifest().id(), p.plan().txns(), replayMs, ms);
        return new Result(t.name(), held.name(), p.base().manifest().id(), p.base().manifest().createdAt(), to,
                p.plan().txns(), replayMs, ms);
    }

    private static RestoreJournal journal(Tenant held, String origin) {
        return new RestoreJournal(held.name(), held.dbName(), "cusp_rst_" + held.id(), "cusp_rsold_" + held.id(),
                RestoreJournal.LOADING, List.of(), List.of(), origin, List.of(), null, null);
    }

    /** The end of a restore: a backup of the restored practice, the hold ended everywhere, the security log. */
    private void finish(Tenant held, String details, Consumer<String> step) {
        // The restored practice's history no longer follows the binary log before this moment:
        // a backup now is where any later restore to a moment after this one starts.
        step.accept("backing up the restored practice");
        try {
            backups.backup(held.name(), "restored");
        } catch (RuntimeException e) {
            LOG.warn("tenant {}: restored, but the backup after it failed: {}", held.name(), e.getMessage());
        }
        resume(held);
        logRestore(held, details);
    }

    /** How long a group restore keeps trying to give the restored practice to a site that is down or restarting. */
    static final java.time.Duration APPLY_PATIENCE = java.time.Duration.ofMinutes(5);

    /**
     * Has every site the journal names as pending fetch and swap in the restored practice, each
     * done one crossed off the journal. A site that fails (down, restarting) is asked again
     * every few seconds for {@link #APPLY_PATIENCE}, the practice held meanwhile; a site still
     * failing then keeps the practice as it was, the hold ends and the restore fails naming it.
     */
    private void distribute(Tenant held, BackupStore.Stored restored, RestoreJournal j, Consumer<String> step)
            throws SQLException {
        outgoing.put(held.name(), restored);
        try {
            String here = binlogPos();
            List<String> pending = new java.util.ArrayList<>(j.pending());
            List<String> failed = new java.util.ArrayList<>();
            for (String o : List.copyOf(pending)) {
                step.accept("putting the restored practice in place at " + o);
                String error = applyPatiently(o, new RestoreGroup.RestoreOrder(held.name(), site, here));
                if (error != null) {
                    failed.add(o + " (" + error + ")");
                }
                pending.remove(o);
                j = j.distributing(pending, j.restored(), j.details());
                j.write(work);
            }
            if (!failed.isEmpty()) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "restored here, but not at " + String.join(", ",
                        failed) + ": that site keeps the practice as it was; 'cusp check' shows the difference."
                        + " Mend the site and run the restore again");
            }
        } finally {
            outgoing.remove(held.name());
        }
    }

    /** Null when {@code o} took the order, else the last error. */
    private String applyPatiently(String o, RestoreGroup.RestoreOrder order) {
        long until = System.nanoTime() + APPLY_PATIENCE.toNanos();
        while (true) {
            try {
                group.apply(o, order);
                return null;
            } catch (RuntimeException e) {
                LOG.warn("tenant {}: the restore at {} failed: {}", order.tenant(), o, e.getMessage());
                if (System.nanoTime() > until) {
                    return e.getMessage();
                }
            }
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    /**
     * Puts a restored practice (a backup-format folder) in place of {@code held}'s tables: loaded
     * into a staging database, then swapped in under the journal (written at {@code j}'s phase).
     * The restored triggers are made with {@code held}'s own database user as definer.
     */
    private RestoreJournal applyLocal(Tenant held, BackupStore.Stored restored, RestoreJournal j,
                                      Consumer<String> step) throws SQLException {
        step.accept("loading the restored practice beside the live one");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("DROP DATABASE IF EXISTS `" + j.staging() + "`");
            s.execute("DROP DATABASE IF EXISTS `" + j.old() + "`");
        }
        new BackupReader(admin, node).load(restored, j.staging(), BackupReader.LoadOptions.TABLES_ONLY);
        dev.cusp.backup.SchemaObjects.prove(admin, restored, j.staging(), held.dbUser());
        reached("loaded");
        List<RestoreJournal.Trigger> live;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            live = PracticeSwap.triggers(s, j.target());
        }
        String user = "CREATE DEFINER=`" + held.dbUser() + "`@";
        java.util.Set<String> tables = new java.util.HashSet<>();
        restored.manifest().tables().forEach(x -> tables.add(x.name()));
        for (BackupManifest.Trigger g : restored.manifest().triggers()) {
            // Run as the site's admin: only a trigger on one of the practice's own tables, named
            // without a database, is made (a manifest from another site is not taken on trust).
            java.util.regex.Matcher m = TRIGGER.matcher(g.createTrigger());
            if (!m.lookingAt() || !tables.contains(m.group(1))) {
                throw new CuspException(ErrorCode.CONFLICT, "the restored practice's trigger " + g.name()
                        + " is not a trigger on one of its own tables; nothing was changed");
            }
        }
        List<RestoreJournal.Trigger> fresh = restored.manifest().triggers().stream().map(g ->
                new RestoreJournal.Trigger(g.name(), g.sqlMode(), g.createTrigger()
                        .replaceFirst("^CREATE DEFINER=`[^`]+`@", java.util.regex.Matcher.quoteReplacement(user))))
                .toList();
        RestoreJournal sw = j.withTriggers(live, fresh).at(RestoreJournal.SWAPPING);
        sw.write(work);
        step.accept("swapping the restored tables in");
        PracticeSwap.swap(admin, sw, () -> reached("swapping"));
        RestoreJournal done = sw.at(RestoreJournal.SWAPPED);
        done.write(work);
        reached("swapped");
        PracticeSwap.finish(admin, done);
        dev.cusp.backup.SchemaObjects.replace(admin, restored, j.target(), held.dbUser());
        return done;
    }

    /**
     * At another site of the group: fetches the restored practice the order names from the site
     * that restored it, waits until everything that site had written is applied here, and swaps
     * it in (binary log off, as there). The practice is already held: its status replicates.
     */
    public void applyOrder(RestoreGroup.RestoreOrder o) {
        Tenant held = registry.require(o.tenant());
        Path folder = work.resolve("in-" + held.id());
        RestoreJournal j = journal(held, o.from());
        try {
            ScratchNode.deleteTree(folder);
            java.nio.file.Files.createDirectories(folder);
            byte[] manifest;
            try (java.io.InputStream in = group.fetch(o.from(), o.tenant(), MANIFEST)) {
                manifest = in.readAllBytes();
            }
            java.nio.file.Files.write(folder.resolve(MANIFEST), manifest);
            BackupManifest m = dev.cusp.base.JsonMapping.MAPPER.readValue(manifest, BackupManifest.class);
            for (BackupManifest.FileEntry f : m.files()) {
                Path to = folder.resolve(f.path()).normalize();
                if (!to.startsWith(folder) || f.path().contains("..")) {
                    throw new CuspException(ErrorCode.INVALID_INPUT, "restore order names a file outside its folder");
                }
                java.nio.file.Files.createDirectories(to.getParent());
                try (java.io.InputStream in = group.fetch(o.from(), o.tenant(), f.path())) {
                    java.nio.file.Files.copy(in, to);
                }
            }
            BackupStore.Stored restored = BackupStore.open(folder);
            waitFor(o.fromGtid(), o.from());
            if (registry.require(o.tenant()).status() != Tenant.Status.RESTORING) {
                throw new CuspException(ErrorCode.CONFLICT, "practice '" + o.tenant() + "' is not being restored here"
                        + " (its hold has not arrived from " + o.from() + "); nothing was changed");
            }
            j = j.distributing(List.of(), work.relativize(restored.folder()).toString(), null);
            j.write(work);
            pools.evict(held.name());
            applyLocal(held, restored, j, s -> LOG.info("tenant {}: restore from {}: {}", held.name(), o.from(), s))
                    .delete(work);
            LOG.info("tenant {}: restored as {} restored it", held.name(), o.from());
        } catch (SQLException | IOException | RuntimeException e) {
            RestoreJournal.all(work).stream().filter(x -> x.target().equals(held.dbName())).findFirst()
                    .ifPresent(x -> {
                        recover(x);
                        x.delete(work);
                    });
            if (e instanceof CuspException ce) {
                throw ce;
            }
            throw new CuspException(ErrorCode.UNAVAILABLE, "restore of " + held.name() + " at " + site + " failed: "
                    + e.getMessage() + "; the practice is as it was here", null, e);
        } finally {
            ScratchNode.deleteTree(folder);
        }
    }

    /** A file of a restored practice this site hands out during a group restore; only its manifest's files. */
    public java.io.InputStream outgoing(String tenant, String path) throws IOException {
        BackupStore.Stored b = outgoing.get(tenant);
        if (b == null) {
            throw CuspException.notFound("no restore of '" + tenant + "' is handing out files here");
        }
        boolean listed = MANIFEST.equals(path)
                || b.manifest().files().stream().anyMatch(f -> f.path().equals(path));
        if (!listed) {
            throw CuspException.notFound("'" + path + "' is not a file of the restored practice");
        }
        return java.nio.file.Files.newInputStream(b.folder().resolve(path));
    }

    private String binlogPos() throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Waits until this node has applied {@code pos} ({@code site}'s position). */
    private void waitFor(String pos, String from) throws SQLException {
        // This node's own domain is what it wrote itself: never "applied", so never waited for.
        String others = java.util.Arrays.stream(pos == null ? new String[0] : pos.split(","))
                .map(String::trim).filter(g -> !g.isEmpty() && !g.startsWith(node.gtidDomainId() + "-"))
                .collect(java.util.stream.Collectors.joining(","));
        if (others.isEmpty()) {
            return;
        }
        pos = others;
        try (Connection c = admin.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT MASTER_GTID_WAIT(?, 120)")) {
            ps.setString(1, pos);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new CuspException(ErrorCode.UNAVAILABLE, "the changes " + from + " made before the restore"
                            + " did not arrive here within 120 s (position " + pos + "); check its link with"
                            + " 'cusp status'");
                }
            }
        }
    }

    /**
     * Finishes or undoes every restore a stopped site left (see {@link RestoreJournal}); called at
     * start. A practice stays held until its restore is finished or rolled back: a restore this
     * site ran alone ends here (its swap finished or undone, the hold ended); one this site was
     * giving to the other sites of its group goes on once the group is there ({@link #group});
     * at a site another site restores for, the hold is the restoring site's to end.
     */
    public void recoverAll() {
        ScratchNode.reapLeftovers(work);
        List<RestoreJournal> journals = RestoreJournal.all(work);
        // Held by a restore another site runs, before its order came here: held still.
        for (Tenant t : registry.all()) {
            if (t.status() == Tenant.Status.RESTORING && journals.stream().noneMatch(j -> j.tenant().equals(t.name()))) {
                holdHere(t);
            }
        }
        for (RestoreJournal j : journals) {
            boolean swapped = recover(j);
            // A restored practice this site was given (a group restore from another site).
            registry.find(j.tenant()).ifPresent(t -> ScratchNode.deleteTree(work.resolve("in-" + t.id())));
            java.util.Optional<Tenant> t = registry.find(j.tenant());
            if (t.isEmpty()) {
                j.delete(work);
            } else if (!j.runBy(site)) {
                j.delete(work);
                holdHere(t.get());
                LOG.info("tenant {}: still held: {} is restoring it", j.tenant(), j.origin());
            } else if (swapped && j.groupPending()) {
                RestoreJournal d = j.at(RestoreJournal.DISTRIBUTING);
                d.write(work);
                holdHere(t.get());
                resumeLater.add(d);
                LOG.info("tenant {}: still held: the restored practice goes on to {} once the group is up",
                        j.tenant(), j.pending());
            } else {
                j.delete(work);
                ScratchNode.deleteTree(work.resolve("out-" + t.get().id()));
                if (swapped && j.details() != null) {
                    finish(t.get(), j.details(), s -> { });
                } else {
                    resume(t.get());
                }
            }
        }
    }

    /** Group restores a stopped site left part-way through giving out: resumed by {@link #group}. */
    private final List<RestoreJournal> resumeLater = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Gives out what a stopped site had not given out yet, then ends the hold; in the background. */
    private void resumeDistribution(RestoreJournal j) {
        Tenant held = registry.require(j.tenant());
        try {
            BackupStore.Stored restored = BackupStore.open(work.resolve(j.restored()));
            distribute(held, restored, j, s -> LOG.info("tenant {}: restore, after the restart: {}", held.name(), s));
            LOG.info("tenant {}: the restore interrupted by the restart reached every site", held.name());
        } catch (SQLException | RuntimeException e) {
            LOG.error("tenant {}: the restore interrupted by the restart did not reach every site: {}; the hold"
                    + " ends, 'cusp check' shows the difference, run the restore again", held.name(), e.getMessage());
        }
        j.delete(work);
        ScratchNode.deleteTree(work.resolve("out-" + held.id()));
        finish(held, j.details(), s -> { });
    }

    /**
     * Puts a restored practice's swap state right after a stop: the rename's outcome decides
     * whether it is completed or undone. Returns true when the restored tables are in place
     * here. The journal is left for the caller.
     */
    private boolean recover(RestoreJournal j) {
        try {
            if (RestoreJournal.DISTRIBUTING.equals(j.phase())) {
                return true; // Swapped and finished here; only the other sites are left.
            }
            if (RestoreJournal.SWAPPED.equals(j.phase())
                    || (RestoreJournal.SWAPPING.equals(j.phase()) && PracticeSwap.swapped(admin, j))) {
                PracticeSwap.finish(admin, j.at(RestoreJournal.SWAPPED));
                // The restored views and routines come after the swap: made (again) from the
                // restored copy, which stays on disk until the restore is over.
                java.util.Optional<Tenant> t = registry.find(j.tenant());
                if (j.restored() != null && t.isPresent() && java.nio.file.Files.isDirectory(work.resolve(j.restored()))) {
                    dev.cusp.backup.SchemaObjects.replace(admin, BackupStore.open(work.resolve(j.restored())),
                            j.target(), t.get().dbUser());
                }
                LOG.info("tenant {}: the interrupted restore was completed here", j.tenant());
                return true;
            }
            PracticeSwap.undo(admin, j);
            LOG.info("tenant {}: the interrupted restore was undone here; the practice is as it was", j.tenant());
            return false;
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot finish the interrupted restore of " + j.tenant()
                    + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * After {@code tenant suspend} here: has every other site of the group cut the practice's
     * open connections there too. The replicated account lock only refuses new logins; a
     * practice's program connected straight to another site's node would write on. A site that
     * cannot be reached is logged and skipped: the suspend stands, and that site's connections
     * end when it answers a later suspend (or is mended). Returns the sites that did not answer.
     */
    public List<String> cutSuspendedElsewhere(String tenant) {
        List<String> missed = new java.util.ArrayList<>();
        List<String> others = group.others();
        if (others.isEmpty()) {
            return missed;
        }
        String here;
        try {
            here = binlogPos();
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot read this site's position: " + e.getMessage(), null, e);
        }
        for (String o : others) {
            try {
                group.cutSuspended(o, tenant, here);
            } catch (RuntimeException e) {
                missed.add(o);
                LOG.warn("tenant {}: suspended, but its open connections at {} could not be cut: {}", tenant, o,
                        e.getMessage());
            }
        }
        return missed;
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
        Tenant t = registry.require(tenant);
        try {
            waitFor(fromGtid, from);
            if (registry.require(tenant).status() != Tenant.Status.SUSPENDED) {
                throw new CuspException(ErrorCode.CONFLICT, "practice '" + tenant + "' is not suspended here"
                        + " (the suspend has not arrived from " + from + ")");
            }
            pools.evict(t.name());
            tenantChanged.accept(t.name(), true);
            PracticeHold.kill(admin, t.dbUser());
            LOG.info("tenant {}: suspended at {}; its connections here were cut", tenant, from);
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot cut " + tenant + "'s connections at " + site + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * At a site another site restores a practice for: once that site's hold has arrived here
     * (its position {@code fromGtid} applied: the practice's status and its account lock), the
     * practice's own connections here are cut and its account locked here too; returns how far
     * this site has written, for the restoring site to wait for before its swap.
     */
    public String holdFor(String tenant, String from, String fromGtid) {
        Tenant t = registry.require(tenant);
        try {
            waitFor(fromGtid, from);
            if (registry.require(tenant).status() != Tenant.Status.RESTORING) {
                throw new CuspException(ErrorCode.CONFLICT, "practice '" + tenant + "' is not being restored here"
                        + " (its hold has not arrived from " + from + ")");
            }
            holdHere(t);
            return binlogPos();
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot hold " + tenant + " at " + site + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * The hold at this site alone: the practice's pools and sessions closed, its account locked
     * here and its connections killed. Should the hold have ended meanwhile (the restoring site
     * resumed it and that has arrived), the account is unlocked here again: the restoring site's
     * unlock is written after its status change, so a status still "restoring" after the lock
     * means that unlock is yet to come.
     */
    private void holdHere(Tenant t) {
        pools.evict(t.name());
        tenantChanged.accept(t.name(), true);
        try {
            PracticeHold.cut(admin, t.dbUser());
            if (registry.require(t.name()).status() != Tenant.Status.RESTORING) {
                PracticeHold.release(admin, t.dbUser());
            }
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot hold " + t.name() + "'s database account: "
                    + e.getMessage(), null, e);
        }
    }

    /** The practice held: 503 at the API (its status replicates), its database account locked and disconnected. */
    private void hold(Tenant t) {
        registry.update(t.name(), Tenant.Status.RESTORING, null);
        tenantChanged.accept(t.name(), true);
        pools.evict(t.name());
        tenants.holdAccount(t.name(), true);
    }

    private void resume(Tenant t) {
        tenants.holdAccount(t.name(), false);
        registry.update(t.name(), Tenant.Status.ACTIVE, null);
        tenantChanged.accept(t.name(), false);
    }

    private void logRestore(Tenant t, String details) {
        if (details == null) {
            return;
        }
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
        BinlogArchive.unregister(node);
        schedule.shutdownNow();
    }

    private volatile String stopAt;

    /**
     * A test seam: the next restore stops dead at {@code phase} ({@code replayed}, {@code loaded},
     * {@code swapping}, {@code swapped}, {@code distributing}) as a site killed there would: its thread never goes on, nothing after it
     * runs, not even the undo. The test then restarts the site.
     */
    public void stopAt(String phase) {
        this.stopAt = phase;
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
            try {
                // What a test that kills this site (another process) waits for.
                java.nio.file.Files.writeString(work.resolve("paused-" + phase), phase);
            } catch (IOException e) {
                LOG.warn("restore: cannot mark the pause at {}: {}", phase, e.getMessage());
            }
            LOG.warn("restore: stopped for good at {} (restore.test.pause)", phase);
            while (true) {
                java.util.concurrent.locks.LockSupport.park(this);
            }
        }
    }

    /** A test seam: the site's clock as this restore sees it. */
    public void clock(Clock c) {
        this.clock = c;
    }
}
