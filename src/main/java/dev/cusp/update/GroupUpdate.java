package dev.cusp.update;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.job.Job;
import dev.cusp.tenant.PracticeMigrations;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.SchemaView;
import dev.cusp.wire.UpdateBackup;
import dev.cusp.wire.UpdateResult;
import dev.cusp.wire.UpdateSiteChanged;
import dev.cusp.wire.UpdateState;
import dev.cusp.wire.UpdateVerified;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cusp update} and {@code cusp tenant update NAME}, run as a job at the group's update
 * site: preflight at every site; hold the tenants (status {@code updating}, which replicates:
 * practice requests wait everywhere); wait until every site holds the same data; back up every
 * tenant at every site with the binary log off (each site keeps its own copy, none
 * replicates); migrate each tenant once, here, with the binary log on, so the migration
 * replicates; wait until every site has applied it and compare each site's Flyway version and
 * table shapes with this one's; then resume. On a failure it stops and says what was done,
 * what was left and where the backups are.
 */
public final class GroupUpdate {
    private static final Logger LOG = LoggerFactory.getLogger(GroupUpdate.class);
    private final UpdateSites sites;
    private final TenantService tenants;
    private final DataSource admin;

    public GroupUpdate(Members members, PeerClient peers, String siteName, UpdateLocal local, TenantService tenants,
                       DataSource admin) {
        this.sites = new UpdateSites(members, peers, siteName, local);
        this.tenants = tenants;
        this.admin = admin;
    }

    /** The update site and what this site runs and carries. */
    public UpdateState describe() {
        return new UpdateState(sites.updateSite().orElse(sites.self()), sites.standalone(),
                dev.cusp.base.CuspVersion.VERSION, tenants.migrations().latest());
    }

    public UpdateSiteChanged designate(String site) {
        return sites.designate(site);
    }

    /** Refuses before a job starts: another site is the update site, or the group is not ready. */
    public List<Tenant> prepare(String onlyTenant) {
        sites.requireUpdateSite();
        List<Tenant> list = onlyTenant == null ? tenants.registry().all() : List.of(tenants.registry()
                .require(onlyTenant));
        for (Tenant t : list) {
            if (t.status() == Tenant.Status.SUSPENDED && onlyTenant != null) {
                throw new CuspException(ErrorCode.LOCKED, "tenant " + t.name() + " is suspended; 'cusp tenant resume "
                        + t.name() + "' first (its database user is locked, so it cannot migrate)", "name");
            }
        }
        Preflight.check(sites, tenants.migrations().latest());
        return list;
    }

    /** The update itself (in a job). */
    public UpdateResult run(List<Tenant> requested, Job job) {
        String target = tenants.migrations().latest();
        job.step("checking every site: versions, links healthy, nothing fenced");
        Preflight.check(sites, target);
        List<Tenant> todo = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Tenant t : requested) {
            Tenant now = tenants.registry().require(t.name());
            String at = SchemaState.read(admin, now.dbName()).version();
            if (now.status() == Tenant.Status.SUSPENDED) {
                skipped.add(now.name() + " (suspended: resume it, then 'cusp tenant update " + now.name() + "')");
            } else if (PracticeMigrations.compare(at, target) >= 0 && now.status() != Tenant.Status.UPDATING) {
                skipped.add(now.name() + " (already at V" + at + ")");
            } else {
                todo.add(now);
            }
        }
        if (todo.isEmpty()) {
            job.step("nothing to migrate: every tenant is at V" + target + " or skipped");
            return new UpdateResult(target, skipped, Map.of(), Map.of());
        }
        List<String> names = todo.stream().map(Tenant::name).toList();
        job.step("holding " + names.size() + " tenant(s) at every site while they are updated: " + names);
        for (Tenant t : todo) {
            tenants.registry().update(t.name(), Tenant.Status.UPDATING, null);
            tenants.changed(t.name(), true);
        }
        Map<String, Map<String, String>> backups = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        try {
            job.step("waiting until every site has applied every peer's transactions");
            Preflight.catchUp(sites, "not every site caught up, nothing was migrated");
            job.step("backing up at every site with the binary log off (each site keeps its own copy)");
            backup(names, backups);
        } catch (CuspException e) {
            release(todo);
            throw new CuspException(ErrorCode.UPDATE_FAILED, "update stopped before migrating anything: "
                    + e.getMessage() + ". Every tenant serves again, unchanged." + backupsText(backups), null, e);
        }
        Map<String, UpdateResult.Step> updated = new LinkedHashMap<>();
        for (Tenant t : todo) {
            SchemaState st = SchemaState.read(admin, t.dbName());
            String from = st.version();
            if (PracticeMigrations.compare(from, target) >= 0 && st.failed().isEmpty()) {
                // Held by an earlier run that migrated it but could not verify every site.
                job.step(t.name() + " is already at V" + from + " here; verifying it at every site");
                updated.put(t.name(), new UpdateResult.Step(from, from));
                done.add(t.name());
                continue;
            }
            job.step("migrating " + t.name() + " from V" + from + " to V" + target + " (once, here; it replicates)");
            try {
                String to = tenants.migrate(t);
                updated.put(t.name(), new UpdateResult.Step(from, to));
                done.add(t.name());
            } catch (RuntimeException e) {
                List<Tenant> untouched = todo.subList(todo.indexOf(t) + 1, todo.size());
                release(untouched);
                throw new CuspException(ErrorCode.UPDATE_FAILED, MigrationFailure.explain(t, e, SchemaState.read(admin,
                        t.dbName()), done, untouched) + backupsText(backups), null, e);
            }
        }
        job.step("waiting until every site has applied the migration, then comparing schemas");
        verify(names, target);
        for (Tenant t : todo) {
            tenants.registry().update(t.name(), Tenant.Status.ACTIVE, target);
            tenants.changed(t.name(), false);
        }
        job.step("resumed: " + names.size() + " tenant(s) at V" + target + " at every site");
        LOG.info("update: {} tenant(s) at V{} at every site; backups {}", names.size(), target, backups);
        return new UpdateResult(target, skipped, updated, backups);
    }

    private void backup(List<String> names, Map<String, Map<String, String>> backups) {
        for (UpdateSites.Reply r : sites.each(l -> l.backup(names), "POST", "/api/v1/peer/update/backup",
                new UpdateBackup(names), Duration.ofMinutes(60))) {
            if (r.body() == null) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "backup at site " + r.site() + " failed: " + r.error());
            }
            Map<String, String> at = new LinkedHashMap<>();
            r.body().properties().forEach(e -> at.put(e.getKey(), e.getValue().asText()));
            backups.put(r.site(), at);
        }
    }

    private void verify(List<String> names, String target) {
        String here = dev.cusp.replication.ReplicationChannels.currentPos(admin);
        List<UpdateSites.Reply> rs;
        try {
            rs = Preflight.waitEverywhere(sites, here, "the migration did not reach every site", names);
        } catch (CuspException e) {
            throw new CuspException(ErrorCode.UPDATE_FAILED, e.getMessage() + ". The tenants " + names + " are migrated"
                    + " here and stay held ('updating'); once 'cusp status' shows every link healthy, run the update"
                    + " again to verify and resume them");
        }
        List<String> differ = new ArrayList<>();
        for (String n : names) {
            SchemaState mine = SchemaState.read(admin, tenants.registry().require(n).dbName());
            for (UpdateSites.Reply r : rs) {
                SchemaView s = r.as(UpdateVerified.class).tenants().get(n);
                String version = s == null ? "" : s.version();
                String shape = s == null ? "" : s.shape();
                if (!target.equals(version) || !mine.shape().equals(shape)) {
                    differ.add("site " + r.site() + " has " + n + " at V" + version + " (shape " + shape
                            + "), this site V" + mine.version() + " (shape " + mine.shape() + ")");
                }
            }
        }
        if (!differ.isEmpty()) {
            throw new CuspException(ErrorCode.UPDATE_FAILED, "the sites do not agree after the migration: "
                    + String.join("; ", differ) + ". The tenants stay held ('updating'); 'cusp check' shows the"
                    + " differences, 'cusp reseed SITE' mends a site");
        }
    }

    private void release(List<Tenant> list) {
        for (Tenant t : list) {
            tenants.registry().update(t.name(), Tenant.Status.ACTIVE, null);
            tenants.changed(t.name(), false);
        }
    }

    private static String backupsText(Map<String, Map<String, String>> backups) {
        if (backups.isEmpty()) {
            return " No backups were made.";
        }
        StringBuilder sb = new StringBuilder(" Backups made before the update, kept (not replicated; one per site):");
        backups.forEach((site, m) -> sb.append(" at ").append(site).append(": ").append(m.values()).append(';'));
        return sb.toString();
    }
}
