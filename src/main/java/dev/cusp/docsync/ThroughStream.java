package dev.cusp.docsync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * One download's view of a file read through from another site ({@link ThroughFlight}, shared by
 * every download of that file here): the bytes from {@code first} on, read from the transfer's
 * scratch file as they arrive. A whole-file reader gets the file's last byte and its end only
 * once the file's bytes hashed to its name; it gets an error instead if they did not, or as soon
 * as the transfer failed. A
 * reader that stops early leaves the transfer to finish and store the file.
 *
 * <p>A site's peer route reads through too, for another site's fetch (a ring site asking its
 * upstream for a file the upstream is itself still fetching): that request to the next site
 * carries {@link #HOP}, and a site asked with it answers only from its own store. So a file
 * travels at most one hop further than a plain fetch, and two sites that both lack it never
 * ask each other in a loop.
 */
public final class ThroughStream extends InputStream {
    /** The request header that marks a fetch as a read-through's: the site asked must not read through in turn. */
    public static final String HOP = "X-Cusp-Read-Through";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ThroughStream.class);
    private final ThroughFlight flight;
    private final long end;
    private final boolean whole;
    private final Runnable release;
    private long pos;
    private boolean closed;

    /**
     * @param end     the position after the last byte this reader wants; {@code Long.MAX_VALUE}: to the file's end
     * @param whole   the reader wants the file to its end: it ends cleanly only on the transfer's good verdict
     * @param release frees this reader's place among its practice's (see {@link ReadThroughs}); run once, at close
     */
    ThroughStream(ThroughFlight flight, long first, long end, boolean whole, Runnable release) {
        this.flight = flight;
        this.pos = first;
        this.end = end;
        this.whole = whole;
        this.release = release;
    }

    /**
     * A read-through opened: the bytes as they come (stored here on the way), and the file's
     * length as the site that sends it states it (-1 when it does not).
     */
    public record Opened(InputStream in, long length) {
    }

    /** A body opened but not handed on: its connection is let go. */
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
        if (closed) {
            throw new IOException("closed");
        }
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return finish();
        }
        long have = flight.awaitBytes(pos, whole);
        if (have <= pos) {
            // The transfer ended (well: a failure throws above) before this position: the file's end.
            return finish();
        }
        int n = flight.read(ByteBuffer.wrap(b, off, (int) Math.min(len, Math.min(have, end) - pos)), pos);
        if (n < 0) {
            throw new IOException("the file read through ended early");
        }
        pos += n;
        flight.advanced(pos);
        return n;
    }

    /** The end: a whole-file reader waits for the verdict on the bytes it passed on. */
    private int finish() throws IOException {
        if (whole) {
            flight.awaitVerdict();
        }
        return -1;
    }

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
    public void close() {
        if (!closed) {
            closed = true;
            try {
                flight.detach();
            } finally {
                release.run();
            }
        }
    }
}
