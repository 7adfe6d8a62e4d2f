package dev.cusp.check;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Member;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.job.Job;
import dev.cusp.survey.Participant;
import dev.cusp.survey.PeerSurvey;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.wire.CheckRange;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.ChunkSum;
import dev.cusp.wire.RepairReport;
import dev.cusp.wire.RewriteRequest;
import dev.cusp.wire.Rewritten;
import dev.cusp.wire.RowSums;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cusp check} and {@code cusp repair}: compares every tenant table across the active
 * sites of the group ({@link CheckRun}), and makes every site match one chosen peer by
 * re-writing the differing rows there ({@link RowRewriter}), so that replication carries the
 * fix. Also the other half of the work, which every site does when the checking site asks.
 */
public final class CheckService {
    private static final Logger LOG = LoggerFactory.getLogger(CheckService.class);
    /** How long a site may take to apply the checking site's GTID position before it is left out. */
    static final Duration ALIGN_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CALL_TIMEOUT = ALIGN_TIMEOUT.plusSeconds(60);
    private static final int REWRITE_BATCH = 500;

    private final DataSource admin;
    private final TenantRegistry registry;
    private final Members members;
    private final PeerClient peers;
    private final String siteName;
    final LocalChecksums local;
    private final RowRewriter rewriter;

    public CheckService(DataSource admin, TenantRegistry registry, CertificateAuthority tls, String siteName) {
        this.admin = admin;
        this.registry = registry;
        this.members = new Members(admin);
        this.peers = new PeerClient(tls);
        this.siteName = siteName;
        this.local = new LocalChecksums(admin, registry);
        this.rewriter = new RowRewriter(admin);
    }

    // ------------------------------------------------------------------ at the checking site

    /** The tenants to check: the one named (404 when unknown) or all of them. */
    public List<Tenant> tenants(String tenant) {
        if (tenant == null) {
            // A tenant still being created has no complete database to compare yet.
            return registry.all().stream().filter(t -> t.status() != Tenant.Status.CREATING).toList();
        }
        return List.of(registry.find(tenant).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no tenant named '"
                + tenant + "' on this site; 'cusp tenant list' shows the tenants", "tenant")));
    }

    /**
     * The site a repair copies from, checked before anything is done: a member, an active peer
     * (a report replica's database refuses writes), and reachable; and every reachable site's
     * replication running (see {@link #requireRunningLinks}).
     */
    public Member authority(String from) {
        if (from == null || from.isBlank()) {
            throw CuspException.invalid("from", "name the site whose data is right: --from SITE");
        }
        if (!self().peer()) {
            // The re-writes run at the authority, ordered with this site's certificate, and a report
            // replica's certificate orders no writes at other sites (PeerAccess on check/rewrite).
            throw new CuspException(ErrorCode.READ_ONLY, "this site is a read-only report replica, and a replica orders"
                    + " no writes at other sites; run the repair at a peer (" + String.join(", ", peerNames())
                    + "): 'cusp repair --from " + from + "' there");
        }
        Member m = members.find(from).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no site '" + from
                + "' in this group; 'cusp site list' shows the sites", "from"));
        if (!m.peer()) {
            throw new CuspException(ErrorCode.READ_ONLY, "site " + from + " is a read-only report replica: its database"
                    + " refuses writes, so it cannot be the source of a repair; repair from a peer ("
                    + String.join(", ", peerNames()) + ")", "from");
        }
        if (!m.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "site " + from + " is still joining; repair from an active peer",
                    "from");
        }
        if (!from.equals(siteName)) {
            try {
                peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(5));
            } catch (CuspException e) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "site " + from + " cannot be reached, so it cannot"
                        + " write the fixes (" + e.getMessage() + "); repair when it is back, or from another peer",
                        "from");
            }
        }
        requireRunningLinks(survey());
        return m;
    }

    public CheckReport check(List<Tenant> tenants, Job job) {
        return new CheckRun(this, job, survey().sites()).run(tenants).report();
    }

    /** Checks, re-writes every differing row at {@code from}, waits for the fix to arrive, checks again. */
    public RepairReport repair(List<Tenant> tenants, Member from, Job job) {
        PeerSurvey sites = survey();
        requireRunningLinks(sites);
        job.step("checking before the repair");
        CheckRun before = new CheckRun(this, job, sites.sites()).run(tenants);
        if (before.skipped().containsKey(from.name())) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "site " + from.name() + " dropped out of the check ("
                    + before.skipped().get(from.name()) + "); nothing was changed", "from");
        }
        long rewritten = 0;
        long deleted = 0;
        String fixPos = null;
        List<RepairReport.NotRepaired> notRepaired = new ArrayList<>();
        for (CheckRun.Found f : before.found()) {
            if (f.keys() == null) {
                notRepaired.add(new RepairReport.NotRepaired(f.shape().db(), f.shape().table(), f.reason()));
                continue;
            }
            job.step("re-writing " + f.keys().size() + " row(s) of " + f.shape().db() + "." + f.shape().table() + " at "
                    + from.name());
            for (int i = 0; i < f.keys().size(); i += REWRITE_BATCH) {
                List<Long> batch = f.keys().subList(i, Math.min(f.keys().size(), i + REWRITE_BATCH));
                Rewritten r = from.name().equals(siteName) ? rewrite(f.shape().db(), f.shape().table(), batch)
                        : JsonMapping.read(peers.call(from, "POST", "/api/v1/peer/check/rewrite",
                                new RewriteRequest(f.shape().db(), f.shape().table(), batch), CALL_TIMEOUT),
                                Rewritten.class);
                rewritten += r.rewritten();
                deleted += r.deleted();
                fixPos = r.gtidPos();
            }
        }
        LOG.info("check: repair from {}: {} row(s) re-written, {} deleted", from.name(), rewritten, deleted);
        if (fixPos != null) {
            job.step("waiting for the fixes to replicate here");
            local.await(fixPos, ALIGN_TIMEOUT);
        }
        job.step("checking again");
        CheckRun after = new CheckRun(this, job, survey().sites()).run(tenants);
        return new RepairReport(from.name(), rewritten, deleted, notRepaired, after.clean(), before.report(),
                after.report());
    }

    /**
     * A fix is logged in row format by every site that relays it; a site that gets it through
     * the damaged site before it arrives from the repair's source may stop on a missing or
     * duplicate key. With every link running, the direct path comes first, so a repair waits
     * for that.
     */
    private static void requireRunningLinks(PeerSurvey sites) {
        List<String> stopped = sites.stoppedLinks();
        if (!stopped.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "replication is not running everywhere (" + String.join(", ",
                    stopped) + "); a repair now could reach a site by a roundabout path and stop its replication."
                    + " Repair when 'cusp status' shows every link healthy");
        }
    }

    /** This site and every other active member that answers; the others, with the reason, as skipped. */
    private PeerSurvey survey() {
        self();
        return PeerSurvey.of(admin, members, peers, siteName);
    }

    private Member self() {
        Member me = members.find(siteName).orElseThrow(() -> new CuspException(ErrorCode.CONFLICT, "this site is not"
                + " in a replication group; there is no other copy to compare with"));
        if (!me.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is still joining its group; check when it is active");
        }
        return me;
    }

    String siteName() {
        return siteName;
    }

    java.sql.Connection localAdmin() throws java.sql.SQLException {
        return admin.getConnection();
    }

    private List<String> peerNames() {
        return members.all().stream().filter(m -> m.peer() && m.active()).map(Member::name).toList();
    }

    Chunk chunkAt(Participant p, TableShape s, long lo, long hi, String pos) {
        if (p.local()) {
            return local.chunk(s, lo, hi);
        }
        ChunkSum r = JsonMapping.read(peers.call(p.member(), "POST", "/api/v1/peer/check/chunk",
                new CheckRange(s.db(), s.table(), lo, hi, pos), CALL_TIMEOUT), ChunkSum.class);
        return new Chunk(r.count(), r.crc(), r.columns());
    }

    Map<Long, Long> rowsAt(Participant p, TableShape s, long lo, long hi, String pos) {
        if (p.local()) {
            return local.rows(s, lo, hi);
        }
        RowSums r = JsonMapping.read(peers.call(p.member(), "POST", "/api/v1/peer/check/rows",
                new CheckRange(s.db(), s.table(), lo, hi, pos), CALL_TIMEOUT), RowSums.class);
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long[] row : r.rows()) {
            out.put(row[0], row[1]);
        }
        return out;
    }

    // ------------------------------------------------------------------ asked by the checking site

    /** A chunk's checksum here, once this node has applied {@code waitGtid}. */
    public ChunkSum chunk(String db, String table, long lo, long hi, String waitGtid) {
        local.await(waitGtid, ALIGN_TIMEOUT);
        TableShape s = local.shape(db, table);
        Chunk c = local.chunk(s, lo, hi);
        return new ChunkSum(c.count(), c.crc(), c.columns());
    }

    /** Every row's CRC in a key range here, once this node has applied {@code waitGtid}. */
    public RowSums rows(String db, String table, long lo, long hi, String waitGtid) {
        local.await(waitGtid, ALIGN_TIMEOUT);
        TableShape s = local.shape(db, table);
        if (!s.chunked()) {
            throw CuspException.invalid("table", db + "." + table + " has no single-column integer primary key");
        }
        List<long[]> rows = new ArrayList<>();
        local.rows(s, lo, hi).forEach((k, v) -> rows.add(new long[] {k, v}));
        return new RowSums(rows);
    }

    /** Re-writes rows here (this site is the repair's authority); answers this node's GTID position after. */
    public Rewritten rewrite(String db, String table, List<Long> keys) {
        Member me = self();
        if (!me.peer()) {
            throw new CuspException(ErrorCode.READ_ONLY, "site " + siteName + " is a read-only report replica and"
                    + " cannot be the source of a repair", "from");
        }
        Rewritten out = rewriter.rewrite(local.freshShape(db, table), keys, local::currentPos);
        LOG.info("check: {}.{}: {} row(s) re-written, {} deleted for a repair", db, table, out.rewritten(),
                out.deleted());
        return out;
    }
}
