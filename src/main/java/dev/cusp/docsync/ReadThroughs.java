package dev.cusp.docsync;

import dev.cusp.error.ErrorCode;
import dev.cusp.error.RetryLater;
import dev.cusp.group.Member;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read-throughs of one site: downloads of files it does not hold yet, served from a site
 * that does. Every download of one file shares one transfer ({@link ThroughFlight}), so a
 * hundred users opening this morning's x-ray start one transfer, not a hundred. Two bounds per
 * practice, each answered with a 503 and Retry-After when reached: at most
 * {@link #TRANSFERS_PER_PRACTICE} transfers from other sites at once (they take bandwidth and CPU
 * at both ends), and at most {@link #READERS_PER_PRACTICE} downloads waiting on them (each holds
 * a connection and a thread here; they share the transfer's one open file).
 *
 * <p>A range of a missing file (a viewer asking for the end of a large scan) is asked of another
 * site as that range directly and sent on as it comes; then the whole file is fetched into the
 * store in the background, in the place the range held. Those
 * bytes cannot be checked against the file's hash (only a whole file can be): the answer must be
 * exactly the part asked for ({@link PeerFetch#openRange}), it is never stored and never given to
 * another download, and a download of the whole file is always checked.
 */
final class ReadThroughs {
    static final int TRANSFERS_PER_PRACTICE = 4;
    static final int READERS_PER_PRACTICE = 16;
    private static final int RETRY_SECONDS = 2;
    private final PeerFetch peers;
    private final LocalContent store;
    private final Transfer.Counters counters;
    private final Map<String, ThroughFlight> flights = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> transfers = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> readers = new ConcurrentHashMap<>();
    /** Transfers from other sites begun, whole files and ranges (for tests and status). */
    final AtomicLong started = new AtomicLong();
    /** Downloads (and other sites' fetches) that followed a transfer already under way instead of starting one. */
    final AtomicLong joined = new AtomicLong();
    /** Downloads told to retry (503) because their practice's transfers or waiting downloads were at their bound. */
    final AtomicLong refused = new AtomicLong();

    ReadThroughs(PeerFetch peers, LocalContent store, Transfer.Counters counters) {
        this.peers = peers;
        this.store = store;
        this.counters = counters;
    }

    /**
     * The whole file, from the transfer of it already under way here, else from a new one asking
     * {@code candidates} in turn (with {@code hop}: each with {@link ThroughStream#HOP}). Empty
     * when no site gave it. A read-through on another site's behalf ({@code hop}) follows only a
     * transfer that is itself one: one that asks sites without the mark may be waiting on that
     * very site, and following it would be a loop.
     */
    Optional<ThroughStream.Opened> whole(List<Member> candidates, String tenant, String db, String sha, boolean hop)
            throws IOException {
        Runnable reader = claim(readers, db, READERS_PER_PRACTICE, tenant, "downloads waiting for files from other"
                + " sites");
        try {
            ThroughFlight f = flight(candidates, tenant, db, sha, hop);
            if (f == null) {
                // Stored by a transfer that ended a moment ago.
                reader.run();
                return Optional.of(new ThroughStream.Opened(Files.newInputStream(store.file(db, sha)),
                        Files.size(store.file(db, sha))));
            }
            Long length = awaitOpened(f);
            if (length == null) {
                f.detach();
                reader.run();
                return Optional.empty();
            }
            return Optional.of(new ThroughStream.Opened(new ThroughStream(f, 0, Long.MAX_VALUE, true, reader), length));
        } catch (IOException | RuntimeException e) {
            reader.run();
            throw e;
        }
    }

    /**
     * Bytes {@code first} to {@code first + length - 1} of a file of {@code size} bytes: from the
     * transfer of it under way here when there is one, else asked of {@code candidates} as that
     * range. Empty when no site gave it.
     */
    Optional<InputStream> range(List<Member> candidates, String tenant, String db, String sha, long size, long first,
                                long length) throws IOException {
        Runnable reader = claim(readers, db, READERS_PER_PRACTICE, tenant, "downloads waiting for files from other"
                + " sites");
        try {
            ThroughFlight f = join(db, sha, false);
            if (f != null) {
                Long stated = awaitOpened(f);
                if (stated != null) {
                    return Optional.of(new ThroughStream(f, first, first + length, false, reader));
                }
                f.detach();
            }
            Runnable place = claim(transfers, db, TRANSFERS_PER_PRACTICE, tenant, "files being fetched from other"
                    + " sites for its downloads");
            started.incrementAndGet();
            for (Member m : candidates) {
                PeerFetch.Body body = null;
                try {
                    body = peers.openRange(m, tenant, sha, first, size);
                    if (body != null) {
                        return Optional.of(new RangeStream(body.in(), length, counters, () -> {
                            reader.run();
                            storeAfterRange(candidates, tenant, db, sha, place);
                        }));
                    }
                } catch (IOException | RuntimeException e) {
                    ThroughStream.closeQuietly(body);
                    org.slf4j.LoggerFactory.getLogger(ReadThroughs.class).debug("documents: range of {} from {}: {}",
                            sha, m.name(), e.getMessage());
                }
            }
            place.run();
            // No site gave the range as asked: the whole file, read from its start as before.
            f = flight(candidates, tenant, db, sha, false);
            if (f == null) {
                java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(store.file(db, sha));
                reader.run();
                return Optional.of(new RangeStream(java.nio.channels.Channels.newInputStream(ch.position(first)),
                        length, null, () -> { }));
            }
            if (awaitOpened(f) == null) {
                f.detach();
                reader.run();
                return Optional.empty();
            }
            return Optional.of(new ThroughStream(f, first, first + length, false, reader));
        } catch (IOException | RuntimeException e) {
            reader.run();
            throw e;
        }
    }

    /** The transfer of {@code sha}, joined or started; null when the file is in the store now. */
    private ThroughFlight flight(List<Member> candidates, String tenant, String db, String sha, boolean hop) {
        ThroughFlight f = join(db, sha, hop);
        if (f != null) {
            return f;
        }
        return store.has(db, sha) ? null : start(candidates, tenant, db, sha, hop);
    }

    /** Ends every transfer (the site stops): their downloads fail, nothing partial is kept. */
    void close() {
        flights.values().forEach(ThroughFlight::cancel);
    }

    /** The transfer of {@code sha} under way, joined; null when none is (or only one a hop may not follow). */
    private ThroughFlight join(String db, String sha, boolean hop) {
        for (boolean kind : hop ? new boolean[] {true} : new boolean[] {false, true}) {
            ThroughFlight f = flights.get(key(db, sha, kind));
            if (f != null && f.attach()) {
                joined.incrementAndGet();
                return f;
            }
        }
        return null;
    }

    /**
     * A new transfer, unless another download started one meanwhile (then that one, joined).
     * Takes a place among the practice's transfers, or throws a {@link RetryLater}.
     */
    private ThroughFlight start(List<Member> candidates, String tenant, String db, String sha, boolean hop) {
        return start(candidates, tenant, db, sha, hop, null);
    }

    /**
     * As above; with {@code background} (the place a ranged download held, handed on), a
     * transfer no download reads, which stores the file, or nothing when one is under way.
     */
    private ThroughFlight start(List<Member> candidates, String tenant, String db, String sha, boolean hop,
                                Runnable background) {
        String key = key(db, sha, hop);
        ThroughFlight[] mine = new ThroughFlight[1];
        ThroughFlight f = flights.compute(key, (k, old) -> {
            if (old != null && (background != null || old.attach())) {
                return old;
            }
            Runnable place = background != null ? background : claim(transfers, db, TRANSFERS_PER_PRACTICE, tenant,
                    "files being fetched from other sites for its downloads");
            ThroughFlight[] self = new ThroughFlight[1];
            self[0] = new ThroughFlight(peers, candidates, store, tenant, db, sha, hop, counters, () -> {
                flights.remove(k, self[0]);
                place.run();
            });
            if (background == null) {
                self[0].attach();
            }
            mine[0] = self[0];
            return self[0];
        });
        if (mine[0] == f) {
            started.incrementAndGet();
            // A platform thread: the transfer decrypts and hashes without pause (see DocumentSync's workers).
            f.thread(Thread.ofPlatform().daemon().name("documents-through").start(f));
        } else if (background != null) {
            background.run();
        } else {
            // Another download started it a moment before: followed, as in join.
            joined.incrementAndGet();
        }
        return f;
    }

    /**
     * After a range was sent: the whole file fetched into the store in the background, in the
     * place the range held (so a viewer that asked for the end of a scan finds it all here soon,
     * before replication's own, maybe throttled, turn), unless it is stored or on its way.
     */
    private void storeAfterRange(List<Member> candidates, String tenant, String db, String sha, Runnable place) {
        try {
            if (store.has(db, sha) || flights.containsKey(key(db, sha, false))) {
                place.run();
                return;
            }
            start(candidates, tenant, db, sha, false, place);
        } catch (RuntimeException e) {
            place.run();
            org.slf4j.LoggerFactory.getLogger(ReadThroughs.class).debug("documents: {} after a range: {}", sha,
                    e.getMessage());
        }
    }

    private static Long awaitOpened(ThroughFlight f) throws IOException {
        try {
            return f.awaitOpened();
        } catch (InterruptedException e) {
            f.detach();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while a file was asked of another site");
        }
    }

    private static String key(String db, String sha, boolean hop) {
        return db + "/" + sha + (hop ? "/hop" : "");
    }

    /** A place among {@code db}'s, or a {@link RetryLater}; the runnable frees it (once). */
    private Runnable claim(Map<String, Semaphore> places, String db, int most, String tenant, String what) {
        Semaphore s = places.computeIfAbsent(db, k -> new Semaphore(most));
        if (!s.tryAcquire()) {
            refused.incrementAndGet();
            throw new RetryLater(ErrorCode.UNAVAILABLE, "practice " + tenant + " already has " + most + " " + what
                    + " at this site; try again in a moment", RETRY_SECONDS);
        }
        AtomicBoolean freed = new AtomicBoolean();
        return () -> {
            if (freed.compareAndSet(false, true)) {
                s.release();
            }
        };
    }

    /**
     * A range as another site sends it (counted in {@code counters}, when given): exactly
     * {@code length} bytes, then the connection is let go.
     */
    private static final class RangeStream extends FileStream.Bounded {
        private final InputStream in;
        private final Transfer.Counters counters;
        private final Runnable release;
        private boolean closed;

        RangeStream(InputStream in, long length, Transfer.Counters counters, Runnable release) {
            super(in, length);
            this.in = in;
            this.counters = counters;
            this.release = release;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && counters != null) {
                counters.bytes.addAndGet(n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                try {
                    in.close();
                } finally {
                    release.run();
                }
            }
        }
    }
}
