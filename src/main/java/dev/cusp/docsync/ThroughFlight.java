package dev.cusp.docsync;

import dev.cusp.document.DocumentStore;
import dev.cusp.group.Member;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * One file read through from another site, shared by every download of it at this site: a
 * thread of its own receives the bytes into a private scratch file and hashes them, and each
 * reader ({@link ThroughStream}) reads that file behind it. At the end, bytes that hash to the
 * file's name enter the store and every reader may end cleanly; any others are dropped and every
 * reader gets an error instead of a clean end (before its next byte, or at its end).
 *
 * <p>The transfer runs at the pace of its fastest reader plus {@link #WINDOW}: a download left
 * unread holds its transfer (and the place it takes among its practice's, see
 * {@link ReadThroughs}), as a read-through always did; once every reader has gone, it runs to the
 * end and stores the file, which a download wanted and replication would fetch anyway.
 */
final class ThroughFlight implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ThroughFlight.class);
    /** How far the transfer may run ahead of its fastest reader. */
    static final long WINDOW = 4L << 20;

    private final PeerFetch peers;
    private final List<Member> candidates;
    private final LocalContent store;
    private final String tenant;
    private final String db;
    private final String sha;
    private final boolean hop;
    private final Transfer.Counters counters;
    private final Runnable ended;
    private Path scratch;
    private FileChannel channel;
    /** Guarded by this: the state every reader waits on. */
    private boolean opened;
    private boolean done;
    private String failure;
    private long length = -1;
    private long written;
    private long front;
    private int readers;
    /** Users of {@link #channel}: the transfer itself and each reader; the last one closes it. */
    private int users = 1;

    /**
     * @param hop   ask each site with {@link ThroughStream#HOP} (a read-through on another site's behalf)
     * @param ended run once when the transfer has ended, stored or not (frees its place)
     */
    ThroughFlight(PeerFetch peers, List<Member> candidates, LocalContent store, String tenant, String db, String sha,
                  boolean hop, Transfer.Counters counters, Runnable ended) {
        this.peers = peers;
        this.candidates = candidates;
        this.store = store;
        this.tenant = tenant;
        this.db = db;
        this.sha = sha;
        this.hop = hop;
        this.counters = counters;
        this.ended = ended;
    }

    private volatile Thread thread;

    /** The thread that runs this transfer (for {@link #cancel}). */
    void thread(Thread t) {
        this.thread = t;
    }

    /** Stops the transfer (the site stops): it fails, its readers with it, and keeps nothing. */
    void cancel() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** A reader joins; false when the transfer has ended (the caller looks in the store, or starts another). */
    synchronized boolean attach() {
        if (done) {
            return false;
        }
        readers++;
        users++;
        return true;
    }

    /** A reader leaves (once): the transfer no longer waits for it, and the file closes with its last user. */
    void detach() {
        boolean close;
        synchronized (this) {
            readers--;
            users--;
            close = users == 0;
            notifyAll();
        }
        if (close) {
            closeChannel();
        }
    }

    /** Waits until a site answered: the file's length as it states it (-1: not stated), or null when none gave it. */
    synchronized Long awaitOpened() throws InterruptedException {
        while (!opened && !done) {
            wait();
        }
        return opened ? length : null;
    }

    /**
     * Waits until a byte at {@code pos} may be read, or the transfer ended; returns the position
     * up to which bytes may be read. Throws as soon as the transfer failed: a reader gets no more
     * bytes of a file that is known to be wrong or incomplete. With {@code holdLast} (a reader of
     * the whole file), the last byte received is held back until the verdict: a client told the
     * file's length would otherwise have every byte, wrong ones included, before the error, and
     * take the answer for whole.
     */
    synchronized long awaitBytes(long pos, boolean holdLast) throws IOException {
        long hold = holdLast ? 1 : 0;
        while (written - hold <= pos && !done) {
            waitQuietly();
        }
        if (failure != null) {
            throw new IOException(failure);
        }
        return done ? written : written - hold;
    }

    /** Waits for the verdict on the whole file: returns if its bytes hashed to its name, else throws. */
    synchronized void awaitVerdict() throws IOException {
        while (!done) {
            waitQuietly();
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /** A reader read up to {@code pos}: the transfer may run on to {@code pos + WINDOW}. */
    synchronized void advanced(long pos) {
        if (pos > front) {
            front = pos;
            notifyAll();
        }
    }

    /** Reads received bytes at {@code pos} (positional: many readers share one open file). */
    int read(ByteBuffer into, long pos) throws IOException {
        return channel.read(into, pos);
    }

    private void waitQuietly() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a file read through");
        }
    }

    @Override
    public void run() {
        try {
            scratch = store.scratch(db);
            channel = FileChannel.open(scratch, StandardOpenOption.READ, StandardOpenOption.WRITE);
            PeerFetch.Body body = open();
            if (body == null) {
                end("no other site gave the file " + sha);
                return;
            }
            synchronized (this) {
                length = body.length();
                opened = true;
                notifyAll();
            }
            receive(body);
            store.adopt(db, sha, scratch);
            counters.files.incrementAndGet();
            end(null);
        } catch (IOException | RuntimeException e) {
            LOG.debug("documents: read-through {} {}: {}", db, sha, e.getMessage());
            end(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private PeerFetch.Body open() {
        for (Member m : candidates) {
            PeerFetch.Body body = null;
            try {
                body = hop ? peers.openHop(m, tenant, sha) : peers.open(m, tenant, sha, 0);
                if (body != null) {
                    return body;
                }
            } catch (IOException | RuntimeException e) {
                ThroughStream.closeQuietly(body);
                LOG.debug("documents: read-through {} from {}: {}", sha, m.name(), e.getMessage());
            }
        }
        return null;
    }

    private void receive(PeerFetch.Body body) throws IOException {
        MessageDigest digest = DocumentStore.sha256();
        byte[] buf = new byte[65536];
        try (InputStream in = body.in()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (length >= 0 && written + n > length) {
                    throw new IOException("the site sent more than the " + length + " bytes it said");
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                for (long at = written; b.hasRemaining(); ) {
                    at += channel.write(b, at);
                }
                digest.update(buf, 0, n);
                counters.bytes.addAndGet(n);
                synchronized (this) {
                    written += n;
                    notifyAll();
                    while (readers > 0 && written - front > WINDOW) {
                        waitQuietly();
                    }
                }
            }
        }
        if (length >= 0 && written != length) {
            throw new IOException("the file read through ended after " + written + " of " + length + " bytes");
        }
        String got = java.util.HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha)) {
            counters.rejected.incrementAndGet();
            throw new IOException("the file read through from another site does not hash to " + sha);
        }
    }

    /** The verdict (null: stored); the scratch file goes unless it was stored; the place is freed. */
    private void end(String why) {
        if (why != null && scratch != null) {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                LOG.debug("documents: dropping a read-through's scratch file: {}", e.getMessage());
            }
        }
        boolean close;
        synchronized (this) {
            failure = why;
            done = true;
            users--;
            close = users == 0;
            notifyAll();
        }
        if (close) {
            closeChannel();
        }
        ended.run();
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("documents: closing a read-through's scratch file: {}", e.getMessage());
        }
    }
}
