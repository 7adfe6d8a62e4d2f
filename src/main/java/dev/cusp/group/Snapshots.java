package dev.cusp.group;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.replication.PhysicalSnapshot;
import dev.cusp.replication.Seeder;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.wire.SeedProgress;
import dev.cusp.wire.SeedSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Snapshots of a node's data, both ways: the source side writes one (an SQL dump or the
 * InnoDB tablespaces) for a site that seeds from it; the seeding side streams one from a
 * member into this node and then forgets every cached tenant.
 */
final class Snapshots {
    private final PeerClient peers;
    private final EmbeddedNode node;
    private final DataSource admin;
    private final NodeKeeper nodeKeeper;
    private final TenantPools pools;
    private final TenantRegistry tenants;
    private final BiConsumer<String, Boolean> tenantChanged;
    private final boolean sql;

    /** {@code sql}: seed from SQL dumps ({@code seed.format=sql}) rather than tablespace copies. */
    Snapshots(PeerClient peers, EmbeddedNode node, DataSource admin, NodeKeeper nodeKeeper, TenantPools pools,
              TenantRegistry tenants, BiConsumer<String, Boolean> tenantChanged, boolean sql) {
        this.peers = peers;
        this.node = node;
        this.admin = admin;
        this.nodeKeeper = nodeKeeper;
        this.pools = pools;
        this.tenants = tenants;
        this.tenantChanged = tenantChanged;
        this.sql = sql;
    }

    /** A seed's figures, as a join or a re-seed reports them. */
    static SeedSummary summary(Seeder.Result r) {
        return new SeedSummary(r.gtidPos(), r.databases().size(), r.users(), r.rows(), r.bytes(), r.millis() / 1000.0,
                r.millis() == 0 ? null : Math.round(r.bytes() / 1000.0 / r.millis() * 10) / 10.0);
    }

    /** Streams a snapshot from {@code source} into this node, reporting progress. */
    Seeder.Result seedFrom(Member source, Job job) {
        job.step("seeding from " + source.name() + " (a consistent snapshot at a known GTID position)");
        HttpResponse<InputStream> r = peers.stream(source, "/api/v1/peer/snapshot?format="
                + (sql ? "sql" : "physical"));
        long estimate = r.headers().firstValueAsLong("X-Cusp-Estimated-Bytes").orElse(-1);
        boolean physical = r.headers().firstValue("X-Cusp-Snapshot-Format").orElse("sql").equals("physical");
        job.step("copying " + (physical ? "InnoDB tablespaces (file copy, no re-insert)" : "an SQL dump"));
        try (InputStream in = r.body()) {
            Consumer<Seeder.Progress> report = p -> job.progress(new SeedProgress(p.bytes(), p.rows(),
                    p.estimatedBytes(), p.elapsedMillis() / 1000, p.etaSeconds()));
            Seeder.Result res = physical ? PhysicalSnapshot.read(in, node.config(), admin, estimate, report)
                    : Seeder.load(in, node.config(), admin, estimate, report);
            if (physical) {
                // Imported tablespaces are only crash-safe after a checkpoint: a node killed
                // before one lost every later change to them on restart (CrashIT). A clean
                // restart is a full checkpoint.
                job.step("restarting the node once, so the imported tablespaces are checkpointed");
                long t0 = System.nanoTime();
                nodeKeeper.restart();
                // The restart is part of the seed's cost: count it in the figures.
                res = new Seeder.Result(res.gtidPos(), res.databases(), res.users(), res.bytes(), res.rows(),
                        res.millis() + (System.nanoTime() - t0) / 1_000_000);
            }
            pools.evictAll();
            tenants.all().forEach(t -> tenantChanged.accept(t.name(), true));
            job.step(String.format("seeded %d databases, %d rows (approx.), %.1f MB in %.1f s, at GTID %s",
                    res.databases().size(), res.rows(), res.bytes() / 1048576.0, res.millis() / 1000.0, res.gtidPos()));
            return res;
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot from " + source.name() + " broke: "
                    + e.getMessage());
        }
    }

    /** Source side of a seed: what a snapshot would hold, with its estimated size for progress. */
    Seeder.Estimate estimate() {
        return Seeder.estimate(admin);
    }

    boolean physicalPossible(Seeder.Estimate est) {
        return PhysicalSnapshot.possible(admin, est.databases());
    }

    void write(Seeder.Estimate est, boolean physical, OutputStream out) throws IOException {
        if (physical) {
            PhysicalSnapshot.write(node.config(), admin, est.databases(), out);
        } else {
            Seeder.snapshot(node.config(), admin, est.databases(), out);
        }
    }
}
