package dev.cusp.docsync;

import dev.cusp.group.Member;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks another site of the group for a file by hash ({@code GET /api/v1/peer/documents/...}),
 * over mutual TLS: this site's certificate, trusting only that site's CA. A {@code Range}
 * resumes a transfer that was cut.
 */
final class PeerFetch {
    static final String PATH = "/api/v1/peer/documents/";
    private final CertificateAuthority own;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, javax.net.ssl.SSLContext> contexts = new ConcurrentHashMap<>();

    /**
     * How long an answer's body may go without a byte before the fetch fails (a stalled site
     * would otherwise hold a worker, or a read-through's place, until this site stops).
     */
    static final Duration STALL = Duration.ofSeconds(30);
    private final Duration stall;

    PeerFetch(CertificateAuthority own) {
        this(own, STALL);
    }

    /** @param stall how long a body may go without a byte (tests use a short one) */
    PeerFetch(CertificateAuthority own, Duration stall) {
        this.own = own;
        this.stall = stall;
    }

    /** An open answer: the body from {@code offset} on (206), or the whole file (200). */
    record Body(InputStream in, boolean fromOffset, long length) {
    }

    /** The TLS context for calls to {@code m}: this site's certificate, trusting only {@code m}'s CA. */
    javax.net.ssl.SSLContext context(Member m) {
        X509Certificate ca = TlsContexts.parsePem(m.caPem());
        return contexts.computeIfAbsent(m.name() + "/" + TlsContexts.fingerprint(ca), k -> TlsContexts.client(own, ca,
                true));
    }

    /**
     * Opens the file at {@code m} from byte {@code offset}; null when that site does not hold it
     * (404). Throws IOException when it cannot be reached or answers anything else.
     */
    Body open(Member m, String tenant, String sha, long offset) throws IOException {
        HttpResponse<InputStream> r = get(m, tenant, sha, offset, false);
        int status = r.statusCode();
        if (status == 200 || status == 206) {
            long len = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            return new Body(r.body(), status == 206, len);
        }
        return refused(m, r);
    }

    HttpClient client(Member m) {
        X509Certificate ca = TlsContexts.parsePem(m.caPem());
        return clients.computeIfAbsent(m.name() + "/" + TlsContexts.fingerprint(ca), k -> HttpClient.newBuilder()
                .sslContext(TlsContexts.client(own, ca, true)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build());
    }

    /**
     * The whole file at {@code m} for a read-through on another site's behalf: as {@link #open}
     * from byte 0, marked with {@link ThroughStream#HOP} so {@code m} answers from its own store
     * only (no second hop). Null when {@code m} does not hold it.
     */
    Body openHop(Member m, String tenant, String sha) throws IOException {
        HttpResponse<InputStream> r = get(m, tenant, sha, 0, true);
        if (r.statusCode() == 200) {
            return new Body(r.body(), false, r.headers().firstValueAsLong("Content-Length").orElse(-1));
        }
        return refused(m, r);
    }

    /**
     * Bytes {@code first} to the end of the file at {@code m}, for a download's range of a file
     * this site lacks; null when {@code m} does not hold it. The answer must be exactly that
     * part of a file of {@code size} bytes (a 206 with {@code Content-Range: bytes first-(size-1)/size},
     * or a 200 of {@code size} bytes when {@code first} is 0): its bytes cannot be checked
     * against the hash (only a whole file can), so at least its framing is.
     */
    Body openRange(Member m, String tenant, String sha, long first, long size) throws IOException {
        HttpResponse<InputStream> r = get(m, tenant, sha, first, false);
        int status = r.statusCode();
        long len = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        String range = r.headers().firstValue("Content-Range").orElse("");
        boolean right = first > 0
                ? status == 206 && range.equals("bytes " + first + "-" + (size - 1) + "/" + size) && len == size - first
                : status == 200 && len == size;
        if (right) {
            return new Body(r.body(), first > 0, len);
        }
        if (status == 200 || status == 206) {
            r.body().close();
            throw new IOException("site " + m.name() + " answered bytes " + first + "- of a " + size
                    + "-byte file with " + status + ", Content-Range '" + range + "', Content-Length " + len);
        }
        return refused(m, r);
    }

    /** The file at {@code m} from byte {@code from} (all of it at 0), its body read with the stall limit. */
    private HttpResponse<InputStream> get(Member m, String tenant, String sha, long from, boolean hop)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(m.url() + PATH
                + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/" + sha))
                .timeout(Duration.ofSeconds(30)).GET();
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        if (hop) {
            b.header(ThroughStream.HOP, "1");
        }
        try {
            return client(m).send(b.build(), StallingBody.handler(stall));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** An answer that gives no bytes: null for 404 (not held there), else an IOException naming it. */
    private static Body refused(Member m, HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                return null;
            }
            throw new IOException("site " + m.name() + " answered " + r.statusCode() + ": "
                    + new String(in.readNBytes(400), StandardCharsets.UTF_8));
        }
    }
}
