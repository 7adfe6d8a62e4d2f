package dev.cusp.group;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The group's background work, each on a thread of its own: the reconciler every 2 s, the
 * disk and site watch every 2 s, the binary log keeper every minute, and the members'
 * revocation lists every {@link #REVOCATIONS_EVERY_SECONDS} s. The watch, the keeper and the
 * lists ask every member over the network, which must not delay the links.
 */
final class GroupLoops implements AutoCloseable {
    private final Reconciler reconciler;
    private final DiskWatch disk;
    private final PeerWatch watch;
    private final BinlogKeeper binlogs;
    private final Membership site;
    private final GroupTrust trust;
    /** How soon a certificate a member revokes (or replaces) is refused here. */
    static final int REVOCATIONS_EVERY_SECONDS = 5;
    private final ScheduledExecutorService revocationLoop = daemon("revocation-lists");
    private final ScheduledExecutorService loop = daemon("group-reconciler");
    private final ScheduledExecutorService watchLoop = daemon("site-watch");
    private final ScheduledExecutorService binlogLoop = daemon("binlog-keeper");

    GroupLoops(Reconciler reconciler, DiskWatch disk, PeerWatch watch, BinlogKeeper binlogs, Membership site,
               GroupTrust trust) {
        this.trust = trust;
        this.reconciler = reconciler;
        this.disk = disk;
        this.watch = watch;
        this.binlogs = binlogs;
        this.site = site;
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Reconciles once now (so a replica is read-only before it serves), then starts the loops. */
    void start() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            Group.LOG.warn("group: first reconcile failed: {}", e.getMessage());
        }
        loop.scheduleWithFixedDelay(reconciler::cycle, 2, 2, TimeUnit.SECONDS);
        watchLoop.scheduleWithFixedDelay(() -> {
            try {
                disk.run();
            } catch (RuntimeException e) {
                Group.LOG.warn("group: disk check failed: {}", e.getMessage());
            }
            try {
                watch.run();
            } catch (RuntimeException e) {
                Group.LOG.warn("group: site watch failed: {}", e.getMessage());
            }
        }, 1, 2, TimeUnit.SECONDS);
        binlogLoop.scheduleWithFixedDelay(() -> {
            try {
                if (!site.seeding()) {
                    binlogs.run();
                }
            } catch (RuntimeException e) {
                Group.LOG.warn("group: binary log keeping failed: {}", e.getMessage());
            }
        }, 60, 60, TimeUnit.SECONDS);
        revocationLoop.scheduleWithFixedDelay(() -> {
            try {
                trust.fetchRevocations(site.known());
            } catch (RuntimeException e) {
                Group.LOG.warn("group: reading the members' revocation lists failed: {}", e.getMessage());
            }
        }, 0, REVOCATIONS_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        watchLoop.shutdownNow();
        watch.close();
        binlogLoop.shutdownNow();
        revocationLoop.shutdownNow();
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
