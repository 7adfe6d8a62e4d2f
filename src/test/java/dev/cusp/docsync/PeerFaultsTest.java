package dev.cusp.docsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import dev.cusp.group.Member;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another member that misbehaves on the wire, as a fake peer speaking HTTPS with its own CA
 * (a real site cannot be made to stall mid-body or frame a range wrongly on purpose): a member
 * that stops sending half-way through a file (a flaky van link, or a site holding connections on
 * purpose) must not hold this site's fetch or read-through place for ever, and a range answered
 * with the wrong framing must not be served.
 */
class PeerFaultsTest {
    private static final String DB = "t_faults";
    private static final Duration STALL = Duration.ofSeconds(1);
    @TempDir
    Path home;
    private CertificateAuthority own;
    private LocalContent store;
    private FakePeer peer;
    private final byte[] content = new byte[300_000];
    private String sha;

    /** How the fake peer answers one request: its request line and headers, and the socket's output. */
    interface Script {
        void answer(String request, OutputStream out) throws Exception;
    }

    @BeforeEach
    void setUp() throws Exception {
        new Random(7).nextBytes(content);
        java.security.MessageDigest d = DocumentStore.sha256();
        sha = HexFormat.of().formatHex(d.digest(content));
        own = new CertificateAuthority(home.resolve("own-tls"));
        own.ensure("here", "127.0.0.1");
        store = new LocalContent(home.resolve("documents"), new DocumentStores(home.resolve("documents")));
    }

    @AfterEach
    void tearDown() {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void aMemberThatStallsMidFileFailsTheFetchWhichKeepsItsPartialForResume() {
        CountDownLatch never = new CountDownLatch(1);
        peer = new FakePeer(home, (request, out) -> {
            out.write(head(200, content.length, null));
            out.write(content, 0, 100_000);
            out.flush();
            never.await();
        });
        Transfer transfer = new Transfer(new PeerFetch(own, STALL), store, new Throttle(0), new Transfer.Counters());
        // Old: the body's read waits for ever (the request timeout ends with the headers).
        String why = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> transfer.fetch(List.of(peer.member()),
                "faults", DB, sha, content.length));
        assertThat(why).as("the fetch failed").isNotNull().contains("stalled");
        Path part = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> store.partial(DB, sha));
        assertThat(part).exists();
        assertThat(part.toFile().length()).as("kept for resume").isEqualTo(100_000);
        assertThat(store.has(DB, sha)).isFalse();
    }

    @Test
    void readThroughsFromAStalledMemberFailAndGiveTheirPlacesBack() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        peer = new FakePeer(home, (request, out) -> {
            out.write(head(200, content.length, null));
            out.write(content, 0, 100_000);
            out.flush();
            never.await();
        });
        ReadThroughs reads = new ReadThroughs(new PeerFetch(own, STALL), store, new Transfer.Counters());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            // More downloads, one after the other, than the practice has places for transfers:
            // each fails once its member stalls, and frees its place for the next.
            for (int i = 0; i <= ReadThroughs.TRANSFERS_PER_PRACTICE; i++) {
                // The place frees a moment after the failure reaches the reader (the transfer's thread ends it).
                InputStream through = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .ignoreException(dev.cusp.error.RetryLater.class).until(() -> reads.whole(
                                List.of(peer.member()), "faults", DB, sha, false), java.util.Optional::isPresent)
                        .orElseThrow().in();
                try (InputStream in = through) {
                    assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining(
                            "stalled");
                }
            }
            assertThat(reads.started.get()).isEqualTo(ReadThroughs.TRANSFERS_PER_PRACTICE + 1);
        });
        assertThat(store.has(DB, sha)).isFalse();
    }

    @Test
    void aRangeAnsweredWithTheWrongFramingIsNotServedTheWholeFileIsFetchedInstead() throws Exception {
        int first = 200_000;
        rangeFromAPeerThatAnswersRangesWith(first, out -> {
            // A 206 for another part than the one asked for, with bytes that are not the file's.
            byte[] junk = new byte[content.length - first];
            Arrays.fill(junk, (byte) 'x');
            out.write(head(206, junk.length, "bytes 0-" + (junk.length - 1) + "/" + content.length));
            out.write(junk);
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.has(DB, sha));
    }

    @Test
    void aRangeWhoseLengthDisagreesWithItsContentRangeIsNotServed() throws Exception {
        int first = 1000;
        rangeFromAPeerThatAnswersRangesWith(first, out -> {
            // The right Content-Range, but 10 bytes fewer than it states (a body to be padded out by whoever reads it).
            out.write(head(206, content.length - first - 10, "bytes " + first + "-" + (content.length - 1) + "/"
                    + content.length));
            out.write(content, first, content.length - first - 10);
        });
    }

    /** What a range answer writes, after the request (a range) was read. */
    interface RangeAnswer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Reads bytes {@code first}- of the file through a fake peer answering a range as {@code wrong}
     * and the whole file right: the download gets the file's bytes, from a whole-file request
     * after the range was refused.
     */
    private void rangeFromAPeerThatAnswersRangesWith(int first, RangeAnswer wrong) throws Exception {
        peer = new FakePeer(home, (request, out) -> {
            if (request.toLowerCase(java.util.Locale.ROOT).contains("\nrange:")) {
                wrong.write(out);
            } else {
                out.write(head(200, content.length, null));
                out.write(content);
            }
            out.flush();
        });
        ReadThroughs reads = new ReadThroughs(new PeerFetch(own, STALL), store, new Transfer.Counters());
        byte[] got;
        try (InputStream in = reads.range(List.of(peer.member()), "faults", DB, sha, content.length, first,
                content.length - first).orElseThrow()) {
            got = in.readAllBytes();
        }
        assertThat(got).isEqualTo(Arrays.copyOfRange(content, first, content.length));
        assertThat(peer.requests).as("the range asked for, then the whole file").hasSize(2);
    }

    private static byte[] head(int status, long length, String contentRange) {
        return ("HTTP/1.1 " + status + (status == 206 ? " Partial Content" : " OK") + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n"
                + (contentRange == null ? "" : "Content-Range: " + contentRange + "\r\n")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A member at 127.0.0.1 with a CA of its own, answering each request (one per connection) by {@link Script}. */
    static final class FakePeer implements AutoCloseable {
        final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final SSLServerSocket server;
        private final CertificateAuthority tls;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();

        FakePeer(Path home, Script script) {
            try {
                tls = new CertificateAuthority(home.resolve("peer-tls"));
                tls.ensure("peer", "127.0.0.1");
                // The peer's own certificate and CA (the caller trusts only that CA).
                char[] pass = "fake".toCharArray();
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("site", CertificateAuthority.loadKey(tls.siteKey()), pass,
                        new java.security.cert.Certificate[] {CertificateAuthority.load(tls.siteCert()),
                            CertificateAuthority.load(tls.caCert())});
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pass);
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                        InetAddress.getLoopbackAddress());
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        open.add(s);
                        Thread.ofVirtual().start(() -> serve(s, script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, Script script) {
            try (s) {
                InputStream in = s.getInputStream();
                StringBuilder request = new StringBuilder();
                while (!request.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    request.append((char) c);
                }
                requests.add(request.toString());
                script.answer(request.toString(), s.getOutputStream());
            } catch (Exception e) {
                // The test ended, or the client went away.
            } finally {
                open.remove(s);
            }
        }

        Member member() {
            return new Member("peer", Member.PEER, Member.ACTIVE, "https://127.0.0.1:" + server.getLocalPort(),
                    "127.0.0.1", 0, TlsContexts.pem(CertificateAuthority.load(tls.caCert())), 2, 2, null, null, null,
                    0, "test");
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // Closed already.
            }
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closed already.
                }
            }
        }
    }
}
