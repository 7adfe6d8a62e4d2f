package dev.cusp.docsync;

import dev.cusp.document.ContentSource;
import dev.cusp.error.CuspException;
import dev.cusp.group.Fault;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.job.Job;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Document replication at one site. MariaDB replicates the {@code document} rows; this watches
 * every practice's rows (polling, read the safe way: {@link DocumentRows}) for hashes whose
 * bytes are not here and fetches each from a site that holds it: first the site that wrote the
 * row, then the sites this one replicates from (a ring's upstream, a replica's source), then
 * any other member. {@code document.sync.parallel} transfers run at once, all held together
 * to {@code document.sync.kbps}; a cut transfer resumes where it stopped. A file no site gives
 * is tried again later, less and less often (at most every 30 s).
 */
public final class DocumentSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentSync.class);
    static final String ALERT = "documents";
    private static final Duration LOOK = Duration.ofMillis(500);
    private static final int BATCH_FILES = FileStream.MAX_FILES;
    private static final long BATCH_BYTES = 256L << 20;

    /** One hash a practice's rows name that this site lacks. */
    private static final class Missing {
        final String tenant;
        final String db;
        final String sha;
        final long size;
        final long changedBy;
        final Instant since = Instant.now();
        volatile Instant nextTry = Instant.EPOCH;
        volatile int failures;
        volatile boolean running;

        Missing(String tenant, String db, DocumentRows.Ref r) {
            this.tenant = tenant;
            this.db = db;
            this.sha = r.sha256();
            this.size = r.size();
            this.changedBy = r.changedBy();
        }
    }

    private final DataSource admin;
    private final TenantRegistry registry;
    private final Group group;
    private final LocalContent store;
    private final PeerFetch peers;
    private final Transfer transfer;
    private final Transfer unthrottled;
    private final Transfer.Counters counters = new Transfer.Counters();
    /**
     * When the current run of transfers began (none was running before it), and the counters then:
     * the site may start fetching a join's files as soon as its seed ends, before the join's job
     * waits for them, and that wait counts its time and bytes from here.
     */
    private volatile Episode episode;

    private record Episode(long startNanos, long files, long bytes) {
    }
    private final int alertMinutes;
    private final ExecutorService workers;
    private final int parallel;
    private final Map<String, Missing> missing = new ConcurrentHashMap<>();
    /** Downloads of files not here yet: one shared transfer per file, bounded per practice. */
    private final ReadThroughs reads;
    private final Object wake = new Object();
    /** Notified at the end of every batch (a join's wait for its files watches it). */
    private final Object batchEnded = new Object();
    private volatile boolean running = true;
    private volatile boolean force = true;
    private String lastPosition = "";
    private long lastFullScan;
    private Thread scanner;

    public DocumentSync(DataSource admin, TenantRegistry registry, Group group, LocalContent store,
                        dev.cusp.tls.CertificateAuthority tls, int parallel, int kibPerSecond, int alertMinutes) {
        this.admin = admin;
        this.registry = registry;
        this.group = group;
        this.store = store;
        this.peers = new PeerFetch(tls);
        this.transfer = new Transfer(peers, store, Throttle.kibPerSecond(kibPerSecond), counters);
        this.unthrottled = new Transfer(peers, store, new Throttle(0), counters);
        this.reads = new ReadThroughs(peers, store, counters);
        this.alertMinutes = alertMinutes;
        this.parallel = parallel;
        // Platform threads: a transfer decrypts and hashes without pause, and virtual threads are
        // not time-sliced, so a few of them would hold every carrier the site's own request
        // handlers (virtual, the peer routes that feed other sites included) need to run.
        this.workers = Executors.newFixedThreadPool(parallel, Thread.ofPlatform().daemon().name("documents-", 0)
                .factory());
    }

    /** A download's content source: {@code local} first, then read-through from a peer. */
    public ContentSource source(ContentSource local) {
        return new ContentSource() {
            @Override
            public java.nio.channels.FileChannel open(String db, String sha256) throws IOException {
                return local.open(db, sha256);
            }

            @Override
            public java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha256)
                    throws IOException {
                return DocumentSync.this.readThrough(tenant, db, sha256);
            }

            @Override
            public java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha256,
                                                                       long size, long first, long length)
                    throws IOException {
                return DocumentSync.this.readThrough(tenant, db, sha256, size, first, length);
            }
        };
    }

    /** Starts watching; a join or re-seed waits for the files through {@link #afterSeed}. */
    public DocumentSync start() {
        try {
            // Before any document is served (the site's routes start after this).
            store.recover();
        } catch (IOException | RuntimeException e) {
            LOG.error("documents: the files fetched just before the last stop could not all be checked again"
                    + " (the next start tries again): {}", e.getMessage());
        }
        scanner = Thread.ofVirtual().name("documents-sync").start(this::loop);
        return this;
    }

    /** The content layer this sync writes into (the peer route serves from it). */
    public LocalContent store() {
        return store;
    }

    private void loop() {
        while (running) {
            try {
                if (!group.seeding()) {
                    scan();
                }
            } catch (RuntimeException e) {
                LOG.warn("documents: a look at the practices' rows failed: {}", e.getMessage());
            }
            synchronized (wake) {
                try {
                    wake.wait(LOOK.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Looks again now (a repair, a check that set files aside, a join that waits). */
    public void nudge() {
        force = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * One look: when the node's GTID position moved (a row changed here or arrived), or on a
     * nudge, or every 30 s, reads every practice's rows and records what is missing; then starts
     * the transfers that are due. A site with a thousand idle practices so costs one query a look.
     */
    synchronized void scan() {
        String pos = position();
        boolean rows = force || !pos.equals(lastPosition) || System.nanoTime() - lastFullScan > 30_000_000_000L;
        if (rows) {
            force = false;
            lastPosition = pos;
            lastFullScan = System.nanoTime();
            readRows();
        }
        Instant now = Instant.now();
        List<Missing> due = missing.values().stream().filter(m -> !m.running && !m.nextTry.isAfter(now)).toList();
        if (!due.isEmpty() && missing.values().stream().noneMatch(m -> m.running)) {
            episode = new Episode(System.nanoTime(), counters.files.get(), counters.bytes.get());
        }
        for (List<Missing> batch : batches(due)) {
            batch.forEach(m -> m.running = true);
            workers.execute(() -> work(batch));
        }
        alert();
    }

    private String position() {
        try (java.sql.Connection c = admin.getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@global.gtid_current_pos")) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        } catch (SQLException e) {
            return "unknown " + System.nanoTime();
        }
    }

    private void readRows() {
        Set<String> seen = new HashSet<>();
        for (Tenant t : registry.all()) {
            List<DocumentRows.Ref> refs;
            try {
                refs = DocumentRows.refs(admin, t.dbName());
            } catch (SQLException | CuspException e) {
                // A practice being created or dropped, or whose table is not a base table (logged there).
                LOG.debug("documents: {}: rows unreadable: {}", t.name(), e.getMessage());
                continue;
            }
            for (DocumentRows.Ref r : refs) {
                if (store.has(t.dbName(), r.sha256())) {
                    continue;
                }
                String key = t.dbName() + "/" + r.sha256();
                seen.add(key);
                missing.computeIfAbsent(key, k -> new Missing(t.name(), t.dbName(), r));
            }
        }
        missing.keySet().retainAll(seen);
    }

    /**
     * The due files in batches, each fetched as one stream from one site: files of one practice
     * whose rows came from the same server (so the same site is asked first), at most
     * {@value #BATCH_FILES} files and {@value #BATCH_BYTES} bytes, and small enough that every
     * worker gets a share of a short list.
     */
    private List<List<Missing>> batches(List<Missing> due) {
        Map<String, List<Missing>> groups = new LinkedHashMap<>();
        for (Missing m : due) {
            groups.computeIfAbsent(m.db + "/" + m.changedBy, k -> new ArrayList<>()).add(m);
        }
        int most = Math.max(1, Math.min(BATCH_FILES, (due.size() + parallel - 1) / parallel));
        List<List<Missing>> out = new ArrayList<>();
        for (List<Missing> g : groups.values()) {
            List<Missing> cur = new ArrayList<>();
            long bytes = 0;
            for (Missing m : g) {
                if (!cur.isEmpty() && (cur.size() >= most || bytes + Math.max(0, m.size) > BATCH_BYTES)) {
                    out.add(cur);
                    cur = new ArrayList<>();
                    bytes = 0;
                }
                cur.add(m);
                bytes += Math.max(0, m.size);
            }
            if (!cur.isEmpty()) {
                out.add(cur);
            }
        }
        return out;
    }

    private void work(List<Missing> batch) {
        Missing first = batch.get(0);
        try {
            Map<String, String> failed = transfer.fetchAll(candidates(first.changedBy), first.tenant, first.db,
                    batch.stream().map(m -> new Transfer.Want(m.sha, m.size)).toList());
            for (Missing m : batch) {
                String why = failed.get(m.sha);
                if (why == null) {
                    missing.remove(m.db + "/" + m.sha);
                } else {
                    failed(m, why);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("documents: {}: {} file(s): {}", first.tenant, batch.size(), e.getMessage());
            batch.forEach(m -> m.nextTry = Instant.now().plusSeconds(5));
        } finally {
            batch.forEach(m -> m.running = false);
            synchronized (batchEnded) {
                batchEnded.notifyAll();
            }
        }
    }

    private void failed(Missing m, String why) {
        // Said once per file at INFO (a partition would otherwise repeat it for every file every 30 s).
        if (m.failures == 0) {
            LOG.info("documents: {} {}: no site gave it yet, trying again ({})", m.tenant, m.sha, why);
        } else {
            LOG.debug("documents: {} {}: still missing ({})", m.tenant, m.sha, why);
        }
        m.failures++;
        m.nextTry = Instant.now().plusMillis(Math.min(30_000, 500L << Math.min(m.failures, 6)));
    }

    /**
     * The sites to ask for a file, best first: the one whose server wrote the row, the ones this
     * site replicates from (where the row came through), then every other active member.
     */
    List<Member> candidates(long changedBy) {
        String me = group.siteName();
        List<Member> others = group.documents().members().stream().filter(x -> x.active() && !x.name().equals(me)).toList();
        List<Member> out = new ArrayList<>();
        others.stream().filter(x -> x.serverId() == changedBy).forEach(out::add);
        for (Member s : group.documents().sources()) {
            others.stream().filter(x -> x.name().equals(s.name()) && !out.contains(x)).forEach(out::add);
        }
        others.stream().filter(x -> !out.contains(x)).forEach(out::add);
        return out;
    }

    /** Fetches one file now, unthrottled (a repair, or a check that found it missing). */
    public boolean fetchNow(Tenant t, String sha, long size) {
        String why = unthrottled.fetch(candidates(0), t.name(), t.dbName(), sha, size);
        if (why != null) {
            LOG.warn("documents: {} {}: no site gave a good copy ({})", t.name(), sha, why);
        }
        return why == null;
    }

    /** Raises DOCUMENT_BACKLOG while the oldest missing file is older than the setting, and clears it after. */
    private void alert() {
        // Each look: the disk is asked about the missing files only when the oldest is old enough
        // to raise the alert (asking about thousands twice a second, while a join fetches them, cost
        // more CPU than the fetch's own bookkeeping).
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(alertMinutes));
        Instant oldest = missing.values().stream().anyMatch(m -> m.since.isBefore(cutoff))
                ? stillMissing().map(m -> m.since).min(Instant::compareTo).orElse(null) : null;
        if (oldest == null || Duration.between(oldest, Instant.now()).toMinutes() < alertMinutes) {
            group.monitor().clearSiteAlert(ALERT);
            return;
        }
        Backlog b = backlog();
        String site = group.siteName();
        // Whole minutes of age and file counts only: the alert is raised again when they change, not every look.
        group.monitor().siteAlert(ALERT, Fault.DOCUMENT_BACKLOG, String.format(java.util.Locale.ROOT,
                "%s lacks %d practice file(s) (%.1f MB), the oldest for %d minutes (document.backlog.alert.minutes=%d)",
                site, b.files(), b.bytes() / 1048576.0, b.oldestSeconds() / 60, alertMinutes),
                Fault.DOCUMENT_BACKLOG.fix(site, site));
    }

    /**
     * The files still missing: a read-through may have stored one while its background transfer
     * still runs (that transfer then ends at once: the file is there).
     */
    private java.util.stream.Stream<Missing> stillMissing() {
        return missing.values().stream().filter(m -> !store.has(m.db, m.sha));
    }

    public Backlog backlog() {
        long files = 0;
        long bytes = 0;
        Instant oldest = null;
        int transfers = 0;
        for (Missing m : stillMissing().toList()) {
            files++;
            bytes += Math.max(0, m.size);
            oldest = oldest == null || m.since.isBefore(oldest) ? m.since : oldest;
            transfers += m.running ? 1 : 0;
        }
        return new Backlog(files, bytes, oldest == null ? null : Duration.between(oldest, Instant.now()).toSeconds(),
                transfers, counters.files.get(), counters.bytes.get(), counters.resumed.get(), counters.rejected.get(),
                alertMinutes);
    }

    /**
     * What a join or re-seed does after its database seed: fetch every file the seeded rows name,
     * with progress in the job. Returns when none is missing, or when none has arrived for a
     * minute (the rest keep coming in the background; the result says how many are left).
     */
    public Map<String, Object> afterSeed(Job job) {
        force = true;
        try {
            return waitForFiles(job);
        } catch (RuntimeException e) {
            // The database is seeded and the site is a member: the files keep coming in the background.
            LOG.warn("documents: after the seed: {}", e.getMessage());
            job.step("the practices' files keep arriving in the background ('cusp status' shows the backlog): "
                    + e.getMessage());
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    private Map<String, Object> waitForFiles(Job job) {
        long t0 = System.nanoTime();
        Episode early = episode;
        scan();
        Backlog start = backlog();
        long fromFiles = start.fetchedFiles();
        long fromBytes = start.fetchedBytes();
        if (start.transfers() > 0 && early != null && early == episode) {
            // Transfers began before this wait (right after the seed): count them from their start.
            t0 = early.startNanos();
            fromFiles = early.files();
            fromBytes = early.bytes();
        }
        // What the site lacked after its seed: what is missing now and what came since.
        job.step(String.format(java.util.Locale.ROOT, "fetching %d practice file(s), %.1f MB, from the other sites",
                start.files() + start.fetchedFiles() - fromFiles,
                (start.bytes() + start.fetchedBytes() - fromBytes) / 1048576.0));
        long lastBytes = counters.bytes.get();
        long lastMove = System.nanoTime();
        long startFiles = start.files() + start.fetchedFiles() - fromFiles;
        long startBytes = start.bytes() + start.fetchedBytes() - fromBytes;
        while (running) {
            // While batches run, what is left is counted from what they fetched; the disk is asked
            // about every missing file (backlog()) only when none runs, to decide whether any is left.
            boolean fetching = missing.values().stream().anyMatch(m -> m.running);
            Backlog b = fetching ? null : backlog();
            double secs = (System.nanoTime() - t0) / 1e9;
            long done = counters.bytes.get() - fromBytes;
            long filesLeft = b != null ? b.files() : Math.max(0, startFiles - (counters.files.get() - fromFiles));
            long bytesLeft = b != null ? b.bytes() : Math.max(0, startBytes - done);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("files_left", filesLeft);
            p.put("bytes_left", bytesLeft);
            p.put("bytes_fetched", done);
            // Job progress holds no nulls: a figure not known yet is left out.
            if (secs > 0) {
                p.put("mb_per_second", Math.round(done / 1048576.0 / secs * 10) / 10.0);
            }
            if (done > 0) {
                p.put("eta_seconds", Math.round(bytesLeft / (done / secs)));
            }
            job.progress(p);
            // Done once no batch runs (a batch's files count as fetched when it ends) and none is missing.
            if (b != null && b.empty()) {
                break;
            }
            if (counters.bytes.get() != lastBytes) {
                lastBytes = counters.bytes.get();
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > TimeUnit.MINUTES.toNanos(1)) {
                job.step(filesLeft + " practice file(s) are still missing (no site gave any for a minute); they keep"
                        + " coming in the background ('cusp status' shows the backlog)");
                break;
            }
            if (b != null) {
                // Nothing running (files waiting to be retried): look again now. While transfers run,
                // the loop hands out the rest; a forced look re-reads every row, too dear to repeat.
                nudge();
            }
            try {
                // Woken when a batch ends, so the phase's time is its own, not the next half-second.
                synchronized (batchEnded) {
                    batchEnded.wait(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Backlog end = backlog();
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("files", end.fetchedFiles() - fromFiles);
        out.put("bytes", end.fetchedBytes() - fromBytes);
        out.put("seconds", Math.round(secs * 10) / 10.0);
        out.put("files_missing", end.files());
        job.step(String.format(java.util.Locale.ROOT, "fetched %d practice file(s), %.1f MB in %.1f s; %d missing",
                end.fetchedFiles() - fromFiles, (end.fetchedBytes() - fromBytes) / 1048576.0,
                secs, end.files()));
        return out;
    }

    @Override
    public void close() {
        running = false;
        if (scanner != null) {
            scanner.interrupt();
        }
        workers.shutdownNow();
        reads.close();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.settle();
    }

    /**
     * Read-through: the file's bytes from the first site that gives them, stored here on the
     * way (only if they hash to its name) so the next download is local; every download of the
     * file at once shares one transfer ({@link ReadThroughs}). Empty when no reachable site
     * holds it. The stream fails at its end, instead of ending cleanly, if the bytes were not
     * the file's.
     */
    public java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha) throws IOException {
        return reads.whole(candidates(changedBy(db, sha)), tenant, db, sha, false).map(ThroughStream.Opened::in);
    }

    /**
     * A range of a file not here yet: from the transfer of it under way here, else asked of
     * another site as that range (unchecked: see {@link ReadThroughs}), after which the whole file
     * is fetched into the store in the background.
     */
    public java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha, long size,
                                                               long first, long length) throws IOException {
        return reads.range(candidates(changedBy(db, sha)), tenant, db, sha, size, first, length);
    }

    private long changedBy(String db, String sha) {
        return missing.values().stream().filter(m -> m.sha.equals(sha) && m.db.equals(db))
                .mapToLong(m -> m.changedBy).findFirst().orElse(0);
    }

    /**
     * The most transfers from other sites one practice's downloads (and other sites' fetches)
     * run at this site at once. Each is a whole transfer, so without a bound one practice's user
     * could take every site's bandwidth and CPU; beyond it the caller is told to retry (503,
     * Retry-After), by which time the file is usually here. Downloads of a file already being
     * fetched follow that transfer and take no place of these.
     */
    public static final int READ_THROUGHS_PER_PRACTICE = ReadThroughs.TRANSFERS_PER_PRACTICE;
    /** The most downloads of one practice waiting on those transfers at once (then a 503 too). */
    public static final int READ_THROUGH_READERS_PER_PRACTICE = ReadThroughs.READERS_PER_PRACTICE;

    /** Transfers read-throughs have begun from other sites since start (whole files and ranges). */
    public long readThroughTransfers() {
        return reads.started.get();
    }

    /** Read-through downloads (and peers' fetches) that followed a transfer already under way, since start. */
    public long readThroughJoined() {
        return reads.joined.get();
    }

    /** Read-through downloads refused (503, retry) at their practice's bound on transfers or waiting downloads. */
    public long readThroughRefused() {
        return reads.refused.get();
    }

    /**
     * Read-through on another site's behalf (the peer route, when a row here names a file this
     * site is itself still fetching: a ring site asking its upstream). At most two members are
     * asked, never {@code caller}: the row's origin first, then where this site's rows come from
     * (its ring upstream), each with {@link ThroughStream#HOP} so it does not read through in
     * turn. Two, not all: rows naming files no site holds (a practice may write any hash into its
     * own rows) then cost each fetch a bounded number of extra requests, not one per member. The
     * bytes are stored here on the way if they hash right.
     */
    public java.util.Optional<ThroughStream.Opened> readThroughFor(String caller, String tenant, String db, String sha)
            throws IOException {
        return reads.whole(candidates(changedBy(db, sha)).stream().filter(m -> !m.name().equals(caller)).limit(2)
                .toList(), tenant, db, sha, true);
    }
}
