package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.support.TestSite;
import dev.cusp.tls.CertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients at a real site with a short header timeout and a small cap on
 * connections per address: a client trickling its headers, or saying nothing at all, is
 * disconnected; one address cannot hold more than its share of connections.
 */
class SlowClientsIT {
    private static final int MAX_PER_ADDRESS = 8;
    static TestSite site;
    static int port;
    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> GUARD_LOG =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeAll
    static void start() {
        GUARD_LOG.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConnectionGuard.class))
                .addAppender(GUARD_LOG);
        site = TestSite.start("slow-clients", Map.of("http.header.timeout.seconds", "4",
                "http.max.connections.per.address", Integer.toString(MAX_PER_ADDRESS)));
        port = URI.create(site.url).getPort();
    }

    @AfterAll
    static void stop() {
        if (site != null) {
            site.close();
        }
    }

    @Test
    void aClientTricklingItsHeadersIsDisconnected() throws Exception {
        try (SSLSocket s = open()) {
            byte[] request = ("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII);
            int[] sent = {0};
            // One byte a second, never the end of the headers: the idle timeout alone never fires.
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                try {
                    s.getOutputStream().write(request[sent[0]++ % request.length]);
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    return true;
                }
                return closedByServer(s);
            });
            assertThat(sent[0]).as("bytes trickled before the server hung up").isGreaterThan(1);
        }
    }

    @Test
    void aClientThatSaysNothingAfterTheHandshakeIsDisconnected() throws Exception {
        try (SSLSocket s = open()) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> closedByServer(s));
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsConnections() throws Exception {
        List<SSLSocket> held = new ArrayList<>();
        int refused = 0;
        try {
            for (int i = 0; i < MAX_PER_ADDRESS + 6; i++) {
                SSLSocket s = null;
                try {
                    s = open();
                    // A whole request, answered and kept alive: the header deadline no longer applies.
                    s.getOutputStream().write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.setSoTimeout(10_000);
                    byte[] buf = new byte[512];
                    int n = s.getInputStream().read(buf);
                    if (n <= 0) {
                        throw new IOException("closed");
                    }
                    assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
                    held.add(s);
                } catch (IOException closedByServer) {
                    refused++;
                    if (s != null) {
                        s.close();
                    }
                }
            }
            assertThat(held.size()).as("connections one address holds").isLessThanOrEqualTo(MAX_PER_ADDRESS);
            assertThat(refused).isGreaterThanOrEqualTo(6);
            // Every refusal is not a line in the site log: one per address and minute, the rest counted.
            assertThat(GUARD_LOG.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("more than http.max.connections.per.address"))).hasSize(1);
        } finally {
            for (SSLSocket s : held) {
                s.close();
            }
        }
        // Closed connections free their places.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(site.raw("GET", "/api/v1/health", null, null).status()).isEqualTo(200));
    }

    /** True when the server closed the connection (end of stream or reset), false while it is open. */
    private static boolean closedByServer(SSLSocket s) throws IOException {
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** A TLS connection to the site, trusting its CA, handshake done. */
    private static SSLSocket open() throws Exception {
        var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateAuthority.load(site.site.home().tls().caCert()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }
}
