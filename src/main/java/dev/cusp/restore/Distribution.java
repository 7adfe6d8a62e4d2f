package dev.cusp.restore;

import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupStore;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A group restore's second half: the restoring site hands the restored practice out and has
 * every other site put it in place; another site fetches it and swaps it in once everything the
 * restoring site had written has arrived.
 */
final class Distribution {
    /** The manifest's file name in a backup folder (see dev.cusp.backup). */
    static final String MANIFEST = "manifest.json";
    /** How long a group restore keeps trying to give the restored practice to a site that is down or restarting. */
    static final Duration APPLY_PATIENCE = Duration.ofMinutes(5);
    private final TenantRegistry registry;
    private final TenantPools pools;
    private final Positions positions;
    private final LocalSwap swap;
    private final Supplier<RestoreGroup> group;
    private final Path work;
    private final String site;
    /** Restored practices this site hands out to the other sites of its group, by practice name. */
    private final Map<String, BackupStore.Stored> outgoing = new ConcurrentHashMap<>();

    Distribution(TenantRegistry registry, TenantPools pools, Positions positions, LocalSwap swap,
                 Supplier<RestoreGroup> group, Path work, String site) {
        this.registry = registry;
        this.pools = pools;
        this.positions = positions;
        this.swap = swap;
        this.group = group;
        this.work = work;
        this.site = site;
    }

    /**
     * Has every site the journal names as pending fetch and swap in the restored practice, each
     * done one crossed off the journal. A site that fails (down, restarting) is asked again
     * every few seconds for {@link #APPLY_PATIENCE}, the practice held meanwhile; a site still
     * failing then keeps the practice as it was, the hold ends and the restore fails naming it.
     */
    void distribute(Tenant held, BackupStore.Stored restored, RestoreJournal j, Consumer<String> step)
            throws SQLException {
        outgoing.put(held.name(), restored);
        try {
            String here = positions.here();
            List<String> pending = new ArrayList<>(j.pending());
            List<String> failed = new ArrayList<>();
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

    /** Stops handing out {@code tenant}'s restored practice (its restore failed). */
    void forget(String tenant) {
        outgoing.remove(tenant);
    }

    /** Null when {@code o} took the order, else the last error. */
    private String applyPatiently(String o, RestoreGroup.RestoreOrder order) {
        long until = System.nanoTime() + APPLY_PATIENCE.toNanos();
        while (true) {
            try {
                group.get().apply(o, order);
                return null;
            } catch (RuntimeException e) {
                Restorer.LOG.warn("tenant {}: the restore at {} failed: {}", order.tenant(), o, e.getMessage());
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

    /** See {@link Restorer#applyOrder}. */
    void applyOrder(RestoreGroup.RestoreOrder o) {
        Tenant held = registry.require(o.tenant());
        Path folder = work.resolve("in-" + held.id());
        RestoreJournal j = LocalSwap.journal(held, o.from());
        try {
            ScratchNode.deleteTree(folder);
            Files.createDirectories(folder);
            byte[] manifest;
            try (InputStream in = group.get().fetch(o.from(), o.tenant(), MANIFEST)) {
                manifest = in.readAllBytes();
            }
            Files.write(folder.resolve(MANIFEST), manifest);
            BackupManifest m = JsonMapping.MAPPER.readValue(manifest, BackupManifest.class);
            for (BackupManifest.FileEntry f : m.files()) {
                Path to = folder.resolve(f.path()).normalize();
                if (!to.startsWith(folder) || f.path().contains("..")) {
                    throw new CuspException(ErrorCode.INVALID_INPUT, "restore order names a file outside its folder");
                }
                Files.createDirectories(to.getParent());
                try (InputStream in = group.get().fetch(o.from(), o.tenant(), f.path())) {
                    Files.copy(in, to);
                }
            }
            BackupStore.Stored restored = BackupStore.open(folder);
            positions.waitFor(o.fromGtid(), o.from());
            if (registry.require(o.tenant()).status() != Tenant.Status.RESTORING) {
                throw new CuspException(ErrorCode.CONFLICT, "practice '" + o.tenant() + "' is not being restored here"
                        + " (its hold has not arrived from " + o.from() + "); nothing was changed");
            }
            j = j.distributing(List.of(), work.relativize(restored.folder()).toString(), null);
            j.write(work);
            pools.evict(held.name());
            swap.apply(held, restored, j, s -> Restorer.LOG.info("tenant {}: restore from {}: {}", held.name(), o.from(), s))
                    .delete(work);
            Restorer.LOG.info("tenant {}: restored as {} restored it", held.name(), o.from());
        } catch (SQLException | IOException | RuntimeException e) {
            swap.recoverFailed(held.dbName());
            if (e instanceof CuspException ce) {
                throw ce;
            }
            throw new CuspException(ErrorCode.UNAVAILABLE, "restore of " + held.name() + " at " + site + " failed: "
                    + e.getMessage() + "; the practice is as it was here", null, e);
        } finally {
            ScratchNode.deleteTree(folder);
        }
    }

    /** See {@link Restorer#outgoing}. */
    InputStream outgoing(String tenant, String path) throws IOException {
        BackupStore.Stored b = outgoing.get(tenant);
        if (b == null) {
            throw CuspException.notFound("no restore of '" + tenant + "' is handing out files here");
        }
        boolean listed = MANIFEST.equals(path)
                || b.manifest().files().stream().anyMatch(f -> f.path().equals(path));
        if (!listed) {
            throw CuspException.notFound("'" + path + "' is not a file of the restored practice");
        }
        return Files.newInputStream(b.folder().resolve(path));
    }
}
