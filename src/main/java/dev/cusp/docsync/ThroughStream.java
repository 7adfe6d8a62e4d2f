package dev.cusp.docsync;

import dev.cusp.document.DocumentStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A file read through from another site: what the reader gets is also written to a private
 * temporary file and hashed; at the end, bytes that hash to the file's name enter the store,
 * and any others are dropped and the reader gets an error instead of a clean end. A reader that
 * stops early leaves nothing behind.
 *
 * <p>A site's peer route reads through too, for another site's fetch (a ring site asking its
 * upstream for a file the upstream is itself still fetching): that request to the next site
 * carries {@link #HOP}, and a site asked with it answers only from its own store. So a file
 * travels at most one hop further than a plain fetch, and two sites that both lack it never
 * ask each other in a loop.
 */
public final class ThroughStream extends FilterInputStream {
    /** The request header that marks a fetch as a read-through's: the site asked must not read through in turn. */
    public static final String HOP = "X-Cusp-Read-Through";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ThroughStream.class);
    private final LocalContent store;
    private final String db;
    private final String sha;
    private final Transfer.Counters counters;
    private final Path scratch;
    private final OutputStream copy;
    private final Runnable release;
    private final MessageDigest digest = DocumentStore.sha256();
    private boolean done;

    /** @param release frees this read-through's place among its practice's (see {@link DocumentSync}); run once, at close */
    ThroughStream(InputStream in, LocalContent store, String db, String sha, Transfer.Counters counters,
                  Runnable release) throws IOException {
        super(in);
        this.store = store;
        this.db = db;
        this.sha = sha;
        this.counters = counters;
        this.release = release;
        this.scratch = store.scratch(db);
        this.copy = Files.newOutputStream(scratch);
    }

    /**
     * A read-through opened: the bytes as they come (stored here on the way), and the file's
     * length as the site that sends it states it (-1 when it does not).
     */
    public record Opened(InputStream in, long length) {
    }

    /**
     * Opens {@code sha} of practice {@code tenant} at the first of {@code candidates} that gives
     * it; with {@code hop}, each is asked with {@link #HOP} (it answers from its own store only).
     */
    static java.util.Optional<Opened> open(PeerFetch peers, java.util.List<dev.cusp.group.Member> candidates,
                                           LocalContent store, String tenant, String db, String sha,
                                           Transfer.Counters counters, boolean hop, Runnable release) {
        for (dev.cusp.group.Member m : candidates) {
            PeerFetch.Body body = null;
            try {
                body = hop ? peers.openHop(m, tenant, sha) : peers.open(m, tenant, sha, 0);
                if (body != null) {
                    return java.util.Optional.of(new Opened(new ThroughStream(body.in(), store, db, sha, counters,
                            release), body.length()));
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(body);
                LOG.debug("documents: read-through {} from {}: {}", sha, m.name(), e.getMessage());
            }
        }
        release.run();
        return java.util.Optional.empty();
    }

    /** A body opened but not handed on (the scratch file could not be made): its connection is let go. */
    static void closeQuietly(PeerFetch.Body body) {
        if (body == null) {
            return;
        }
        try {
            body.in().close();
        } catch (IOException e) {
            LOG.debug("documents: closing an unused read-through: {}", e.getMessage());
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            copy.write(b, off, n);
            digest.update(b, off, n);
            counters.bytes.addAndGet(n);
        } else if (n < 0 && !done) {
            finish();
        }
        return n;
    }

    /** Skipped bytes are read all the same: they are part of the file being stored. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(65536, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int got = read(buf, 0, (int) Math.min(buf.length, left));
            if (got < 0) {
                break;
            }
            left -= got;
        }
        return n - left;
    }

    /** Through {@link #read(byte[], int, int)}, so every byte is stored and hashed, whatever the JDK's default does. */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        byte[] buf = new byte[65536];
        long total = 0;
        for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void finish() throws IOException {
        done = true;
        copy.close();
        String got = java.util.HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha)) {
            Files.deleteIfExists(scratch);
            counters.rejected.incrementAndGet();
            throw new IOException("the file read through from another site does not hash to " + sha);
        }
        store.adopt(db, sha, scratch);
        counters.files.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            try {
                if (!done) {
                    done = true;
                    copy.close();
                    Files.deleteIfExists(scratch);
                }
            } finally {
                release.run();
            }
        }
    }
}
