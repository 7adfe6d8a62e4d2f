package dev.cusp.restore;

import dev.cusp.backup.BackupService;
import dev.cusp.backup.BackupStore;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantNames;
import dev.cusp.tenant.TenantRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a practice can be restored to, and the check of a request before its job starts: the
 * backup to start from and the part of the binary log archive to replay after it.
 */
final class RestorePlanner {
    private final DataSource admin;
    private final NodeConfig node;
    private final TenantRegistry registry;
    private final BackupService backups;
    private final BinlogArchive archive;
    private volatile Clock clock = Clock.systemUTC();

    RestorePlanner(DataSource admin, NodeConfig node, TenantRegistry registry, BackupService backups,
                   BinlogArchive archive) {
        this.admin = admin;
        this.node = node;
        this.registry = registry;
        this.backups = backups;
        this.archive = archive;
    }

    void clock(Clock c) {
        this.clock = c;
    }

    RestoreRange range(String name) {
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

    /** See {@link Restorer#prepare}; {@code group} is the site's group as the request finds it. */
    Restorer.Prepared prepare(Restorer.Request r, RestoreGroup group) {
        Tenant t = registry.require(r.tenant());
        if (t.status() != Tenant.Status.ACTIVE) {
            throw new CuspException(ErrorCode.CONFLICT, "practice '" + t.name() + "' is " + t.status().label()
                    + "; a restore starts from an active practice" + (t.status() == Tenant.Status.SUSPENDED
                    ? " ('cusp tenant resume " + t.name() + "' first)" : ": wait for what it is doing to finish"));
        }
        if (r.as() != null) {
            try {
                TenantNames.requireName(r.as());
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
        // A backup alone (no moment) is restored as it is: its GTID position is exact, and replaying up
        // to its creation second would add what the practice wrote after it in that same second.
        ReplayPlan plan = r.to() == null ? null
                : ReplayPlan.of(indexes(), base.manifest().gtidPosition(), r.to().getEpochSecond());
        if (plan == null && r.to() != null) {
            throw CuspException.invalid("to", "the binary log archive no longer reaches back to backup "
                    + base.manifest().id() + "; possible: " + range.describe());
        }
        if (plan == null) {
            plan = new ReplayPlan(List.of(), 0, -1, 0, -1);
        }
        return new Restorer.Prepared(t, base, plan, r);
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
}
