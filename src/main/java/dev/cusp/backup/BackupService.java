package dev.cusp.backup;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This site's backups: the one object the API, the scheduler and a restore use. Backups are
 * made, loaded and dropped here with the binary log off: each site keeps its own, none replicates.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    private final TenantRegistry registry;
    private final BackupStore store;
    private final BackupWriter writer;
    private final BackupReader reader;
    private final BackupDrill drill;
    private final Retention retention;
    /** Which practices have a failed drill standing (see {@link DrillAlerts}). */
    private final DrillState drills;
    private volatile BackupScheduler.Progress running;
    private volatile BackupScheduler.Progress last;

    public BackupService(DataSource admin, NodeConfig node, TenantRegistry registry, Path folder, String site,
                         Retention retention) {
        this.registry = registry;
        this.retention = retention;
        this.store = new BackupStore(folder);
        this.writer = new BackupWriter(admin, node, store, site);
        this.reader = new BackupReader(admin, node);
        this.drill = new BackupDrill(admin, reader, store);
        this.drills = new DrillState(store);
        // What a site killed mid-backup or mid-drill left: a staging copy in the node folder, a
        // partial backup folder, a scratch database.
        BackupWriter.removeStaging(node);
        store.removePartials();
        drill.removeScratch();
    }

    public BackupStore store() {
        return store;
    }

    public BackupWriter writer() {
        return writer;
    }

    public BackupReader reader() {
        return reader;
    }

    /** Where failed drills are raised (the site's monitor); the failures on disk are raised there at once. */
    public void alertsTo(DrillAlerts alerts) {
        drills.alertsTo(alerts, registry::all);
    }

    /** Failed newest drills by tenant, with the reason. */
    public Map<String, String> failedDrills() {
        return drills.failing();
    }

    /** Backs up practice {@code name} now, then applies retention to its scheduled backups. */
    public BackupStore.Stored backup(String name, String kind) {
        Tenant t = registry.require(name);
        BackupStore.Stored b = writer.write(t, kind);
        applyRetention(t);
        return b;
    }

    /** The complete backups of practice {@code name} (every practice when null), oldest first. */
    public List<BackupStore.Stored> list(String name) {
        if (name == null) {
            return store.list(null);
        }
        return store.list(registry.require(name).dbName());
    }

    /** Deletes the scheduled backups of {@code t} its retention policy no longer keeps; returns their ids. */
    public List<String> applyRetention(Tenant t) {
        List<BackupStore.Stored> all = store.list(t.dbName());
        List<String> delete = retention.toDelete(all.stream().map(s -> new Retention.Item(s.manifest().id(),
                s.manifest().kind(), s.manifest().createdAt())).toList());
        for (BackupStore.Stored s : all) {
            if (delete.contains(s.manifest().id())) {
                store.delete(s);
            }
        }
        if (!delete.isEmpty()) {
            LOG.info("tenant {}: retention deleted backups {}", t.name(), delete);
            drills.reassess(t);
        }
        return delete;
    }

    /** Runs the drill on practice {@code name}'s newest backup (or backup {@code id}). */
    public BackupVerification verify(String name, String id) {
        Tenant t = registry.require(name);
        BackupStore.Stored b;
        if (id != null) {
            b = store.find(t.dbName(), id);
        } else {
            List<BackupStore.Stored> all = store.list(t.dbName());
            if (all.isEmpty()) {
                throw new CuspException(ErrorCode.NOT_FOUND, "practice " + name + " has no backup to verify yet (cusp"
                        + " backup now " + name + ")", "tenant");
            }
            b = all.get(all.size() - 1);
        }
        BackupVerification v = drill.run(b);
        drills.reassess(t);
        return v;
    }

    private String newestId(Tenant t) {
        List<BackupStore.Stored> all = store.list(t.dbName());
        return all.isEmpty() ? null : all.get(all.size() - 1).manifest().id();
    }

    /** One practice's result in a run over every practice. */
    public record Outcome(String tenant, String backup, boolean ok, String error) {
    }

    /** Backs up every practice, one after the other (scheduled runs, {@code cusp backup now --all}). */
    public synchronized List<Outcome> backupAll(String kind) {
        return eachTenant("backup", t -> {
            BackupStore.Stored b = backup(t.name(), kind);
            return new Outcome(t.name(), b.manifest().id(), true, null);
        });
    }

    /** Runs the drill on every practice's newest backup, one after the other. */
    public synchronized List<Outcome> verifyAll() {
        return eachTenant("verify", t -> {
            if (store.list(t.dbName()).isEmpty()) {
                return new Outcome(t.name(), null, true, "no backup yet");
            }
            BackupVerification v = verify(t.name(), null);
            return new Outcome(t.name(), newestId(t), v.ok(), v.ok() ? null : String.join("; ", v.problems()));
        });
    }

    /** The run going on now, if any. */
    public BackupScheduler.Progress running() {
        return running;
    }

    /** The last finished run. */
    public BackupScheduler.Progress lastRun() {
        return last;
    }

    private List<Outcome> eachTenant(String what, java.util.function.Function<Tenant, Outcome> work) {
        List<Tenant> tenants = registry.all().stream().filter(t -> t.status() == Tenant.Status.ACTIVE
                || t.status() == Tenant.Status.SUSPENDED).toList();
        Instant started = Instant.now();
        List<Outcome> out = new ArrayList<>();
        int failed = 0;
        for (Tenant t : tenants) {
            running = new BackupScheduler.Progress(what, started, out.size(), tenants.size(), t.name(), failed, null);
            Outcome o;
            try {
                o = work.apply(t);
            } catch (RuntimeException e) {
                LOG.error("tenant {}: {} failed: {}", t.name(), what, e.getMessage());
                o = new Outcome(t.name(), null, false, e.getMessage());
            }
            if (!o.ok()) {
                failed++;
            }
            out.add(o);
        }
        running = null;
        last = new BackupScheduler.Progress(what, started, out.size(), tenants.size(), null, failed, Instant.now());
        LOG.info("{} of {} practices: {} done, {} failed", what, tenants.size(), out.size() - failed, failed);
        return out;
    }
}
