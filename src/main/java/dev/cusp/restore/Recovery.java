package dev.cusp.restore;

import dev.cusp.backup.BackupStore;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The restores a stopped site left, finished or undone at its next start from their
 * {@link RestoreJournal}s; a group restore it was giving out goes on once the group is there.
 */
final class Recovery {
    private final TenantRegistry registry;
    private final LocalSwap swap;
    private final Holds holds;
    private final Distribution distribution;
    private final Path work;
    private final String site;
    /** Group restores a stopped site left part-way through giving out: resumed by {@link #resumeWaiting}. */
    private final List<RestoreJournal> resumeLater = new CopyOnWriteArrayList<>();

    Recovery(TenantRegistry registry, LocalSwap swap, Holds holds, Distribution distribution, Path work, String site) {
        this.registry = registry;
        this.swap = swap;
        this.holds = holds;
        this.distribution = distribution;
        this.work = work;
        this.site = site;
    }

    /** See {@link Restorer#recoverAll}. */
    void recoverAll() {
        ScratchNode.reapLeftovers(work);
        List<RestoreJournal> journals = RestoreJournal.all(work);
        // Held by a restore another site runs, before its order came here: held still.
        for (Tenant t : registry.all()) {
            if (t.status() == Tenant.Status.RESTORING && journals.stream().noneMatch(j -> j.tenant().equals(t.name()))) {
                holds.holdHere(t);
            }
        }
        for (RestoreJournal j : journals) {
            boolean swapped = swap.recover(j);
            // A restored practice this site was given (a group restore from another site).
            registry.find(j.tenant()).ifPresent(t -> ScratchNode.deleteTree(work.resolve("in-" + t.id())));
            Optional<Tenant> t = registry.find(j.tenant());
            if (t.isEmpty()) {
                j.delete(work);
            } else if (!j.runBy(site)) {
                j.delete(work);
                holds.holdHere(t.get());
                Restorer.LOG.info("tenant {}: still held: {} is restoring it", j.tenant(), j.origin());
            } else if (swapped && j.groupPending()) {
                RestoreJournal d = j.at(RestoreJournal.DISTRIBUTING);
                d.write(work);
                holds.holdHere(t.get());
                resumeLater.add(d);
                Restorer.LOG.info("tenant {}: still held: the restored practice goes on to {} once the group is up",
                        j.tenant(), j.pending());
            } else {
                j.delete(work);
                ScratchNode.deleteTree(ScratchRebuild.out(work, t.get()));
                if (swapped && j.details() != null) {
                    holds.finish(t.get(), j.details(), s -> { });
                } else {
                    holds.resume(t.get());
                }
            }
        }
    }

    /** The group is there: each restore left part-way through giving out goes on, in the background. */
    void resumeWaiting() {
        for (RestoreJournal j : resumeLater) {
            resumeLater.remove(j);
            Thread.ofVirtual().name("restore-resume-" + j.tenant()).start(() -> resumeDistribution(j));
        }
    }

    /** Gives out what a stopped site had not given out yet, then ends the hold. */
    private void resumeDistribution(RestoreJournal j) {
        Tenant held = registry.require(j.tenant());
        try {
            BackupStore.Stored restored = BackupStore.open(work.resolve(j.restored()));
            distribution.distribute(held, restored, j,
                    s -> Restorer.LOG.info("tenant {}: restore, after the restart: {}", held.name(), s));
            Restorer.LOG.info("tenant {}: the restore interrupted by the restart reached every site", held.name());
        } catch (SQLException | RuntimeException e) {
            Restorer.LOG.error("tenant {}: the restore interrupted by the restart did not reach every site: {}; the hold"
                    + " ends, 'cusp check' shows the difference, run the restore again", held.name(), e.getMessage());
        }
        j.delete(work);
        ScratchNode.deleteTree(ScratchRebuild.out(work, held));
        holds.finish(held, j.details(), s -> { });
    }
}
