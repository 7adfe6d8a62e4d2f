package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.replication.Seeder;
import dev.cusp.wire.Reseeded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The re-seed of this site ({@code cusp reseed}): its data replaced by a fresh snapshot of the
 * most up-to-date reachable peer, after making sure nothing only it holds would be lost.
 */
final class Reseeding {
    private final Membership site;
    private final PeerClient peers;
    private final DataSource admin;
    private final Path backups;
    private final NodeConfig nodeConfig;
    private final Reconciler reconciler;
    private final ReplicationChannels channels;
    private final Snapshots snapshots;

    /** {@code backups}: where the local-only transactions are saved before they are discarded. */
    Reseeding(Membership site, PeerClient peers, DataSource admin, Path backups, NodeConfig nodeConfig,
              Reconciler reconciler, ReplicationChannels channels, Snapshots snapshots) {
        this.site = site;
        this.peers = peers;
        this.admin = admin;
        this.backups = backups;
        this.nodeConfig = nodeConfig;
        this.reconciler = reconciler;
        this.channels = channels;
        this.snapshots = snapshots;
    }

    /**
     * Replaces this site's data with a fresh snapshot of the most up-to-date reachable peer
     * (or {@code from}), then replicates again. Refuses when this site holds transactions no
     * other reachable site has, unless {@code discardLocal}; even then they are saved first.
     */
    Reseeded run(String from, boolean discardLocal, Job job) {
        Member me = site.self();
        if (me == null || !me.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not an active member of a replication group");
        }
        long domain = site.id().gtidDomainId();
        List<Member> candidates = site.members().all().stream().filter(m -> !m.name().equals(site.siteName()) && m.active()
                && (from == null ? m.peer() : m.name().equals(from))).toList();
        if (from != null && candidates.isEmpty()) {
            throw new CuspException(ErrorCode.NOT_FOUND, "no active site '" + from + "' in this group", "from");
        }
        job.step("asking " + candidates.stream().map(Member::name).collect(Collectors.joining(", "))
                + " for their GTID positions");
        Map<Member, GtidPos> reachable = new LinkedHashMap<>();
        for (Member m : candidates) {
            try {
                JsonNode st = peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(5));
                // The binary log position where a member reports it: it holds every transaction there,
                // whoever wrote it (the current position hides one made under another site's server_id).
                reachable.put(m, GtidPos.parse(st.path(st.path("gtid_binlog_pos").isTextual() ? "gtid_binlog_pos"
                        : "gtid_current_pos").asText("")));
            } catch (CuspException e) {
                job.step(m.name() + " is not reachable: " + e.getMessage());
            }
        }
        if (reachable.isEmpty()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "no source is reachable to re-seed from");
        }
        Member source = reachable.entrySet().stream().max((a, b) -> {
            int c = Long.compare(a.getValue().seq(domain), b.getValue().seq(domain));
            return c != 0 ? c : Long.compare(a.getValue().total(), b.getValue().total());
        }).orElseThrow().getKey();
        // Local-only: in any domain, transactions beyond what every reachable site holds. In this
        // site's own domain they are its unreplicated changes; in another's, errant ones (ERRANT_GTID).
        GtidPos mine = NodePositions.read(admin).binlogPos();
        long localOnly = 0;
        List<String> where = new java.util.ArrayList<>();
        for (var d : mine.seqByDomain().entrySet()) {
            long elsewhere = reachable.values().stream().mapToLong(p -> p.seq(d.getKey())).max().orElse(0);
            if (d.getValue() > elsewhere) {
                localOnly += d.getValue() - elsewhere;
                where.add("GTID domain " + d.getKey() + (d.getKey() == domain ? " (this site's)" : "") + ", "
                        + (elsewhere + 1) + " to " + d.getValue());
            }
        }
        String backup = null;
        if (localOnly > 0) {
            if (!discardLocal) {
                throw new CuspException(ErrorCode.CONFLICT, "this site holds " + localOnly + " transaction(s) that no"
                        + " reachable site has (" + String.join("; ", where) + "); a re-seed would lose them. Bring the other sites back first, or"
                        + " re-run with --discard-local to save them to a backup and discard them", "discard_local");
            }
            Path dir = backups.resolve("reseed-" + LocalDateTime.now().format(
                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            job.step("saving this site's data, with its " + localOnly + " local-only transaction(s), to " + dir);
            NodeTools tools = new NodeTools(nodeConfig);
            try {
                // A new folder of its own (owner-only): dumpToFile makes files, never folders.
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new CuspException(ErrorCode.INTERNAL, "cannot create " + dir + ": " + e.getMessage(), null, e);
            }
            for (String db : Seeder.estimate(admin).databases()) {
                tools.dumpToFile(db, dir.resolve(db + ".sql"));
            }
            backup = dir.toString();
        }
        job.step("re-seeding from " + source.name() + " (" + reachable.get(source) + ")");
        reconciler.hold();
        Seeder.Result r;
        try {
            for (LinkState l : channels.states()) {
                channels.remove(l.channel());
            }
            r = snapshots.seedFrom(source, job);
            // Before the reconciler and the peers' watch see this site again: its new seed is what
            // tells them its positions start afresh, not that it went back in time (ROLLED_BACK).
            if (me.peer()) {
                site.members().activate(site.siteName(), r.gtidPos());
                site.self(site.members().find(site.siteName()).orElse(me));
            }
        } finally {
            reconciler.release();
        }
        reconciler.reconcile();
        job.step("re-seeded; replication resumes within seconds");
        return new Reseeded(site.siteName(), source.name(), reachable.get(source).toString(), backup,
                Snapshots.summary(r), Math.max(0, localOnly));
    }
}
