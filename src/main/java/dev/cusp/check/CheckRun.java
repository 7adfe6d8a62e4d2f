package dev.cusp.check;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.survey.Participant;
import dev.cusp.tenant.Tenant;
import dev.cusp.wire.CheckDifference;
import dev.cusp.wire.CheckProgress;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.LeftOut;
import dev.cusp.wire.RowDifference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One check of some tenants across the group, coordinated by this site. Each table is walked
 * in primary-key ranges sized by {@link ChunkPlanner} (a time target, no boundary query); for each range
 * this site reads its own {@code @@gtid_current_pos}, computes its checksum, and asks every
 * other site to compute the same range once it has applied that position. A range that
 * differs is checked again at a fresh position (writes going on meanwhile can make it differ
 * for a moment), and when it still differs, its rows' CRCs are compared to name the keys.
 */
final class CheckRun {
    /** A differing chunk with more rows than this is split into sub-ranges before rows are compared. */
    static final int DRILL_ROWS = 1_000;

    /**
     * Chunks this site computes ahead of the other sites' answers. The checking site does not
     * wait for each chunk's answers before the next chunk: a site that is slower for a moment
     * (a busy core) catches up while this one goes on, instead of every chunk taking the
     * slowest site's time. Each chunk is still computed everywhere at its own position.
     */
    static final int PIPELINE = 2;

    /** A chunk computed here and asked of the other sites, its answers not yet collected. */
    private record Pending(long lo, long hi, Chunk mine, Map<Participant, Future<Chunk>> asked) {
    }

    /** A table that differs: the keys of its differing rows, or null with a reason when rows cannot be named. */
    record Found(TableShape shape, List<Long> keys, String reason) {
    }

    private final CheckService svc;
    private final Job job;
    private final List<Participant> sites = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final List<CheckDifference> differences = new ArrayList<>();
    private final List<Found> found = new ArrayList<>();
    private final List<String> tenantNames = new ArrayList<>();
    private final ChunkPlanner planner = new ChunkPlanner();
    /** One lane per other site: its chunks are asked one after another, so it computes one at a time. */
    private final Map<String, ExecutorService> lanes = new java.util.HashMap<>();
    private final long started = System.nanoTime();
    private int tables;
    private int tablesTotal;
    private long chunks;
    private long rows;
    private long rechecked;
    private long localNanos;

    CheckRun(CheckService svc, Job job, List<Participant> all) {
        this.svc = svc;
        this.job = job;
        for (Participant p : all) {
            if (p.answered()) {
                sites.add(p);
            } else {
                skipped.put(p.name(), p.problem());
            }
        }
    }

    CheckRun run(List<Tenant> tenants) {
        Map<Tenant, List<String>> plan = new LinkedHashMap<>();
        for (Tenant t : tenants) {
            tenantNames.add(t.name());
            try (var c = svc.localAdmin()) {
                plan.put(t, TableShape.tables(c, t.dbName()));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        tablesTotal = plan.values().stream().mapToInt(List::size).sum();
        job.step("checking " + tablesTotal + " table(s) of " + tenants.size() + " tenant(s) at "
                + String.join(", ", sites.stream().map(Participant::name).toList())
                + (skipped.isEmpty() ? "" : "; left out: " + skipped));
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var e : plan.entrySet()) {
                for (String table : e.getValue()) {
                    table(ex, e.getKey(), svc.local.shape(e.getKey().dbName(), table));
                    tables++;
                    progress(table);
                }
            }
        } finally {
            lanes.values().forEach(ExecutorService::close);
        }
        return this;
    }

    private void table(ExecutorService ex, Tenant t, TableShape s) {
        if (!s.chunked()) {
            Map<String, Chunk> at = aligned(ex, s, Long.MIN_VALUE, Long.MAX_VALUE);
            if (at != null && !same(at)) {
                at = aligned(ex, s, Long.MIN_VALUE, Long.MAX_VALUE);
                rechecked++;
            }
            if (at != null && !same(at)) {
                String why = "no single-column integer primary key: rows are not named; compare by hand";
                differences.add(difference(t, s, Long.MIN_VALUE, Long.MAX_VALUE, at, null, why));
                found.add(new Found(s, null, why));
            }
            return;
        }
        List<Long> keys = new ArrayList<>();
        LocalChecksums.Span span = svc.local.span(s);
        double density = span.density();
        long lo = Long.MIN_VALUE;
        boolean first = true;
        java.util.ArrayDeque<Pending> inFlight = new java.util.ArrayDeque<>();
        while (true) {
            // The range's first key that can hold a row here: the table's lowest before the first chunk.
            long from = span.min() == null ? lo : Math.max(lo, span.min());
            long want = planner.rowsWanted(first);
            long width = ChunkPlanner.width(want, density);
            long hi = span.max() == null ? Long.MAX_VALUE : ChunkPlanner.end(from, width, span.max());
            while (span.max() != null && width > 1
                    && svc.local.estimate(s, lo, hi) > ChunkPlanner.ESTIMATE_SLACK * want) {
                width /= 2; // denser here than planned: halve before it runs
                hi = ChunkPlanner.end(from, width, span.max());
                density = Math.min(1, density * 2);
            }
            first = false;
            Pending pd = submit(s, lo, hi);
            long count = pd.mine().count();
            planner.observe(count, localNanos);
            if (hi != Long.MAX_VALUE && count >= ChunkPlanner.MIN_CHUNK) {
                density = (double) count / ((double) hi - (double) from + 1);
            }
            inFlight.add(pd);
            if (inFlight.size() > PIPELINE && !settle(ex, t, s, inFlight.poll(), keys)) {
                return;
            }
            if (hi == Long.MAX_VALUE) {
                break;
            }
            lo = hi + 1;
        }
        while (!inFlight.isEmpty()) {
            if (!settle(ex, t, s, inFlight.poll(), keys)) {
                return;
            }
        }
        if (!keys.isEmpty()) {
            found.add(new Found(s, keys, null));
        }
    }

    /**
     * The range's checksum at every site at one GTID position: this site's own, read after the
     * position; the others' once they have applied it. A site that fails is left out of the
     * rest of the check; a table missing somewhere is a difference. Null when nothing to compare.
     */
    private Map<String, Chunk> aligned(ExecutorService ex, TableShape s, long lo, long hi) {
        return aligned(ex, s, lo, hi, true);
    }

    private Map<String, Chunk> aligned(ExecutorService ex, TableShape s, long lo, long hi, boolean counted) {
        return collect(s, submit(s, lo, hi), counted);
    }

    /**
     * Collects a chunk's answers and, when they differ, checks it again at a fresh position and
     * names the differing rows (into {@code keys}). False when the table is missing somewhere.
     */
    private boolean settle(ExecutorService ex, Tenant t, TableShape s, Pending pd, List<Long> keys) {
        Map<String, Chunk> at = collect(s, pd, true);
        if (at == null) {
            return false;
        }
        if (!same(at)) {
            rechecked++;
            at = aligned(ex, s, pd.lo(), pd.hi());
            if (at == null) {
                return false;
            }
            if (!same(at)) {
                CheckDifference d = drill(ex, t, s, pd.lo(), pd.hi(), at);
                if (!d.rows().isEmpty()) {
                    // Empty: every row matched by the time they were compared (a passing write).
                    differences.add(d);
                    d.rows().forEach(r -> keys.add(r.key()));
                }
            }
        }
        return true;
    }

    /** Reads this site's position, asks the other sites for the range at it, and computes it here. */
    private Pending submit(TableShape s, long lo, long hi) {
        String pos = svc.local.currentPos();
        Map<Participant, Future<Chunk>> asked = new LinkedHashMap<>();
        for (Participant p : sites) {
            if (!p.local()) {
                asked.put(p, lane(p).submit(() -> svc.chunkAt(p, s, lo, hi, pos)));
            }
        }
        long t0 = System.nanoTime();
        Chunk mine = svc.local.chunk(s, lo, hi);
        localNanos = System.nanoTime() - t0;
        return new Pending(lo, hi, mine, asked);
    }

    private Map<String, Chunk> collect(TableShape s, Pending pd, boolean counted) {
        long lo = pd.lo();
        long hi = pd.hi();
        Chunk mine = pd.mine();
        Map<String, Chunk> out = new TreeMap<>();
        out.put(sites.get(0).name(), mine);
        List<String> missing = new ArrayList<>();
        for (var e : pd.asked().entrySet()) {
            if (!sites.contains(e.getKey())) {
                continue; // left out since this chunk was asked
            }
            try {
                out.put(e.getKey().name(), e.getValue().get());
            } catch (ExecutionException x) {
                if (x.getCause() instanceof CuspException ce && ce.code() == ErrorCode.NOT_FOUND) {
                    missing.add(e.getKey().name());
                } else {
                    skipped.put(e.getKey().name(), x.getCause().getMessage());
                    sites.remove(e.getKey());
                    job.step("site " + e.getKey().name() + " left out of the rest of the check: "
                            + x.getCause().getMessage());
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
        if (counted) {
            chunks++;
            rows += mine.count();
        }
        if (!missing.isEmpty()) {
            String why = "table missing at " + String.join(", ", missing);
            differences.add(difference(null, s, lo, hi, out, null, why));
            found.add(new Found(s, null, why));
            return null;
        }
        return out;
    }

    private ExecutorService lane(Participant p) {
        return lanes.computeIfAbsent(p.name(), n -> Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("check-" + n).factory()));
    }

    private static boolean same(Map<String, Chunk> at) {
        return at.values().stream().distinct().count() == 1;
    }

    /**
     * Names the differing rows of a range: a small range by comparing every row's CRC, a large
     * one by first checksumming sub-ranges of {@link #DRILL_ROWS} rows and comparing the rows of
     * those that differ. Each comparison is made at a fresh aligned position.
     */
    private CheckDifference drill(ExecutorService ex, Tenant t, TableShape s, long lo, long hi,
                                  Map<String, Chunk> at) {
        List<RowDifference> named = new ArrayList<>();
        long biggest = at.values().stream().mapToLong(Chunk::count).max().orElse(0);
        if (biggest <= DRILL_ROWS) {
            named.addAll(rowDiffs(ex, s, lo, hi));
        } else {
            long sub = lo;
            while (true) {
                Long end = svc.local.boundary(s, sub, DRILL_ROWS);
                long subHi = end == null || end >= hi ? hi : end;
                Map<String, Chunk> part = aligned(ex, s, sub, subHi, false);
                if (part == null) {
                    break;
                }
                if (!same(part)) {
                    named.addAll(rowDiffs(ex, s, sub, subHi));
                }
                if (subHi == hi) {
                    break;
                }
                sub = subHi + 1;
            }
        }
        return difference(t, s, lo, hi, at, named, null);
    }

    /** The rows of a range whose CRC is not the same at every site. */
    private List<RowDifference> rowDiffs(ExecutorService ex, TableShape s, long lo, long hi) {
        String pos = svc.local.currentPos();
        Map<String, Future<Map<Long, Long>>> asked = new LinkedHashMap<>();
        for (Participant p : sites) {
            asked.put(p.name(), (p.local() ? ex : lane(p)).submit(() -> svc.rowsAt(p, s, lo, hi, pos)));
        }
        Map<String, Map<Long, Long>> bySite = new TreeMap<>();
        for (var e : asked.entrySet()) {
            try {
                bySite.put(e.getKey(), e.getValue().get());
            } catch (ExecutionException x) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "site " + e.getKey() + " failed while its rows of "
                        + s.table() + " were compared: " + x.getCause().getMessage());
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
            }
        }
        return RowComparison.differing(bySite, sites.get(0).name());
    }

    private CheckDifference difference(Tenant t, TableShape s, long lo, long hi, Map<String, Chunk> at,
                                       List<RowDifference> rowList, String note) {
        Map<String, Long> counts = new TreeMap<>();
        at.forEach((site, c) -> counts.put(site, c.count()));
        if (at.values().stream().map(Chunk::columns).distinct().count() > 1) {
            note = (note == null ? "" : note + "; ") + "the table's columns differ between sites";
        }
        return new CheckDifference(t == null ? tenantOf(s.db()) : t.name(), s.db(), s.table(), s.key(),
                lo == Long.MIN_VALUE ? null : lo, hi == Long.MAX_VALUE ? null : hi, counts,
                rowList == null ? List.of() : rowList, note);
    }

    private String tenantOf(String db) {
        return tenantNames.stream().filter(n -> db.startsWith("od_" + n + "_")).findFirst().orElse(db);
    }

    private void progress(String table) {
        double secs = (System.nanoTime() - started) / 1e9;
        job.progress(new CheckProgress(tables, tablesTotal, table, chunks, rows, secs > 0 ? Math.round(rows / secs) : 0,
                differences.size()));
    }

    Map<String, String> skipped() {
        return skipped;
    }

    List<Found> found() {
        return found;
    }

    boolean clean() {
        return differences.isEmpty();
    }

    CheckReport report() {
        double secs = (System.nanoTime() - started) / 1e9;
        List<LeftOut> sk = new ArrayList<>();
        skipped.forEach((site, why) -> sk.add(new LeftOut(site, Objects.toString(why))));
        return new CheckReport(svc.siteName(), List.copyOf(tenantNames), sites.stream().map(Participant::name).toList(),
                sk, tables, chunks, rows, rechecked, Math.round(secs * 100) / 100.0,
                secs > 0 ? Math.round(rows / secs) : 0, differences.isEmpty(),
                differences.stream().mapToLong(d -> d.rows().size()).sum(), List.copyOf(differences));
    }
}
