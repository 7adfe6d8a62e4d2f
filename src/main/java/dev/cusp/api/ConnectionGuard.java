package dev.cusp.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one client's connections may hold on the HTTPS server. Jetty 11 (Javalin 6) has an idle
 * timeout, which a client trickling one byte every few seconds never meets, and no limit per
 * client address. So:
 * <ul>
 *   <li>a new connection must finish its TLS handshake and its first request's headers within
 *       the header timeout of opening, and every later request its headers within the header
 *       timeout of its first byte; otherwise the connection is closed (slowloris);</li>
 *   <li>one client address may hold at most so many connections; one more is closed at once.</li>
 * </ul>
 * A request body's pace is Jetty's minimum request data rate (set in {@link ApiServer}).
 * Registered as a listener on the TLS connector: Jetty calls it for every connection it opens.
 *
 * <p>Each refusal is logged at most once per client address and minute ({@link LogLimiter});
 * the refusals held back are counted in one line afterwards: whoever can open connections
 * must not be able to flood the site log.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** How often a connection's header progress is looked at: the deadline is met within this. */
    private static final long TICK_MILLIS = 500;
    /** One line per address and kind of refusal in this time. */
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** Addresses with a log window of their own; more share one. */
    private static final int LOG_ADDRESSES = 10_000;
    private static final String TOO_MANY = "connections closed over http.max.connections.per.address";
    private static final String NO_HEADERS = "connections closed without request headers in time";

    private final Scheduler scheduler;
    private final long headerTimeoutMillis;
    private final int maxPerAddress;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final LogLimiter logs = new LogLimiter(LOG_INTERVAL, LOG_ADDRESSES, System::nanoTime);
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    ConnectionGuard(Scheduler scheduler, Duration headerTimeout, int maxPerAddress) {
        this.scheduler = scheduler;
        this.headerTimeoutMillis = headerTimeout.toMillis();
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void onOpened(Connection c) {
        if (c instanceof SslConnection) {
            // The outer (TLS) connection: one per TCP connection, so this is where they are counted.
            InetAddress from = address(c.getEndPoint().getRemoteSocketAddress());
            if (from == null) {
                return;
            }
            counted.put(c, from);
            int n = open.computeIfAbsent(from, k -> new AtomicInteger()).incrementAndGet();
            if (n > maxPerAddress) {
                if (mayLog(TOO_MANY, from.getHostAddress())) {
                    LOG.warn("http: {} holds {} connections, more than http.max.connections.per.address ({}); closing"
                            + " the newest (more from this address within a minute are counted, not logged)",
                            from.getHostAddress(), n, maxPerAddress);
                }
                c.getEndPoint().close();
            }
        } else if (c instanceof HttpConnection http) {
            new HeaderWatch(http).schedule();
        }
    }

    @Override
    public void onClosed(Connection c) {
        InetAddress from = counted.remove(c);
        if (from != null) {
            open.computeIfPresent(from, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** Whether a line for this refusal may be written now; starts the sweep that reports the rest. */
    private boolean mayLog(String kind, String address) {
        boolean first = logs.admit(kind, address);
        scheduleSweep();
        return first;
    }

    private void scheduleSweep() {
        if (sweepScheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::sweep, LOG_INTERVAL.toMillis() / 6, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        for (LogLimiter.Held h : logs.sweep()) {
            LOG.warn("http: {} more {} from {} in the last minute", h.count(), h.kind(), h.key());
        }
        sweepScheduled.set(false);
        if (logs.active()) {
            scheduleSweep();
        }
    }

    private static InetAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }

    /** Closes its connection when a request's headers take longer than the header timeout. */
    private final class HeaderWatch implements Runnable {
        private final HttpConnection http;
        private long deadline;
        private long requestsSeen;

        HeaderWatch(HttpConnection http) {
            this.http = http;
            // The first request counts from the connection's opening: the TLS handshake is inside it.
            this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        }

        void schedule() {
            scheduler.schedule(this, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            if (!http.getEndPoint().isOpen()) {
                return;
            }
            HttpParser.State state = http.getParser().getState();
            long requests = http.getMessagesIn();
            long now = System.nanoTime();
            boolean awaitingHeaders = state.ordinal() < HttpParser.State.CONTENT.ordinal();
            if (requests != requestsSeen || !awaitingHeaders || (state == HttpParser.State.START && requests > 0)) {
                // A request's headers arrived, or it is past them, or the connection rests between
                // requests (the idle timeout's business): the next request's clock starts afresh.
                requestsSeen = requests;
                deadline = -1;
            } else if (deadline < 0) {
                deadline = now + TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
            } else if (now - deadline > 0) {
                SocketAddress from = http.getEndPoint().getRemoteSocketAddress();
                InetAddress a = address(from);
                if (mayLog(NO_HEADERS, a == null ? String.valueOf(from) : a.getHostAddress())) {
                    LOG.info("http: closing a connection from {}: no complete request headers within {} s"
                            + " (http.header.timeout.seconds; more from this address within a minute are counted,"
                            + " not logged)", from, headerTimeoutMillis / 1000);
                }
                http.getEndPoint().close();
                return;
            }
            schedule();
        }
    }
}
