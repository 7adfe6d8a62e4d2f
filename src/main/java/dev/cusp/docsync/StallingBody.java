package dev.cusp.docsync;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Another site's answer body as an InputStream that fails when no byte has come for
 * {@code stall}: the JDK's own ({@code BodyHandlers.ofInputStream}) waits forever once the
 * headers are in (the request timeout ends there), so a site that stops sending mid-file (a
 * flaky van link, or a member holding the connection on purpose) would hold a fetch's worker,
 * or a read-through's place among its practice's, until this site stops. The failure is an
 * IOException like a cut link's: a transfer keeps its partial file and resumes from it.
 */
final class StallingBody implements HttpResponse.BodySubscriber<InputStream> {
    private static final List<ByteBuffer> END = List.of();
    private final BlockingQueue<List<ByteBuffer>> queue = new LinkedBlockingQueue<>();
    private final long stallNanos;
    private final Stream stream = new Stream();
    private volatile Flow.Subscription subscription;
    private volatile Throwable error;

    private StallingBody(Duration stall) {
        this.stallNanos = stall.toNanos();
    }

    /** A body handler whose bodies fail after {@code stall} without a byte. */
    static HttpResponse.BodyHandler<InputStream> handler(Duration stall) {
        return info -> new StallingBody(stall);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (stream.closed) {
            // Closed before the body began (an answer not wanted after all): let the connection go.
            s.cancel();
            return;
        }
        // One list of buffers at a time: the site's bytes wait in its socket, not in this heap.
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        queue.add(END);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    private final class Stream extends InputStream {
        private List<ByteBuffer> current = List.of();
        private int index;
        private boolean ended;
        private volatile boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (len == 0) {
                return 0;
            }
            ByteBuffer buf = next();
            if (buf == null) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        /** The buffer with bytes left, waiting at most the stall time for more; null at the body's end. */
        private ByteBuffer next() throws IOException {
            while (true) {
                while (index < current.size()) {
                    ByteBuffer buf = current.get(index);
                    if (buf.hasRemaining()) {
                        return buf;
                    }
                    index++;
                }
                if (ended) {
                    return null;
                }
                List<ByteBuffer> got;
                try {
                    got = queue.poll(stallNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading another site's answer");
                }
                if (got == null) {
                    close();
                    throw new IOException("the other site sent nothing for " + TimeUnit.NANOSECONDS.toSeconds(
                            stallNanos) + " s: the transfer stalled");
                }
                if (got == END) {
                    ended = true;
                    Throwable t = error;
                    if (t != null) {
                        throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
                    }
                    return null;
                }
                current = got;
                index = 0;
                subscription.request(1);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Flow.Subscription s = subscription;
                if (s != null) {
                    // The connection is not reused for a body left unread (the JDK client closes it).
                    s.cancel();
                }
            }
        }
    }
}
