package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PinnedTrust;
import dev.cusp.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLHandshakeException;

/**
 * Calls from this site to another site of its group: HTTPS with mutual TLS, trusting only the
 * other site's own CA and presenting this site's certificate. Before a site knows the CA (a
 * join), {@link #pinned} trusts only a CA with the fingerprint from the join token.
 */
public final class PeerClient {
    private final CertificateAuthority own;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    /** Sent with every call: the other site tells this process from a full copy of it (Incarnations). */
    private final String incarnation;

    public PeerClient(CertificateAuthority own) {
        this(own, null);
    }

    public PeerClient(CertificateAuthority own, String incarnation) {
        this.own = own;
        this.incarnation = incarnation;
    }

    /** A reply from another site: its status and JSON body. */
    public record Reply(int status, JsonNode body) {
    }

    /**
     * A one-off client for a join: server pinned by CA fingerprint, presenting this site's
     * certificate (the inviting site pins the rest of the join to it).
     */
    public static HttpClient pinned(PinnedTrust trust, CertificateAuthority own) {
        return HttpClient.newBuilder().sslContext(TlsContexts.pinned(trust, own))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public JsonNode call(Member m, String method, String path, Object body, Duration timeout) {
        try {
            return send(client(m), m.name(), m.url(), method, path, body, timeout, incarnation);
        } catch (CuspException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED || e.code() == ErrorCode.FORBIDDEN) {
                // Start over with fresh connections: the other site may trust us by now.
                clients.keySet().removeIf(k -> k.startsWith(m.name() + "/"));
            }
            throw e;
        }
    }

    /**
     * Calls {@code m} at {@code url} instead of its recorded one, trusting only {@code m}'s own CA:
     * answered only by a server holding a certificate of that CA (a member's claimed new address).
     */
    public JsonNode callAt(Member m, String url, String method, String path, Object body, Duration timeout) {
        return send(client(m), m.name(), url, method, path, body, timeout, incarnation);
    }

    /** Streams a response body (the snapshot); the caller closes the stream. */
    public HttpResponse<InputStream> stream(Member m, String path) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(target(m.name(), m.url(), path)).timeout(Duration.ofHours(12))
                .GET();
        if (incarnation != null) {
            rb.header(Incarnations.HEADER, incarnation);
        }
        HttpRequest r = rb.build();
        try {
            HttpResponse<InputStream> resp = client(m).send(r, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                String text;
                try (InputStream in = resp.body()) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                throw failure(m.name(), resp.statusCode(), parse(text));
            }
            return resp;
        } catch (IOException e) {
            throw unreachable(m.name(), m.url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }

    /** Sends with an explicit client (a join's pinned one). */
    public static JsonNode send(HttpClient http, String site, String url, String method, String path, Object body,
                                Duration timeout) {
        return send(http, site, url, method, path, body, timeout, null);
    }

    private static JsonNode send(HttpClient http, String site, String url, String method, String path, Object body,
                                 Duration timeout, String incarnation) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target(site, url, path)).timeout(timeout)
                .header("Content-Type", "application/json");
        if (incarnation != null) {
            b.header(Incarnations.HEADER, incarnation);
        }
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JsonMapping.MAPPER.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = parse(r.body());
            if (r.statusCode() >= 400) {
                throw failure(site, r.statusCode(), n);
            }
            return n;
        } catch (SSLHandshakeException e) {
            throw new CuspException(ErrorCode.FORBIDDEN, "site " + site + " at " + url + " failed the TLS check: "
                    + rootMessage(e));
        } catch (IOException e) {
            throw unreachable(site, url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }

    private HttpClient client(Member m) {
        X509Certificate ca = TlsContexts.parsePem(m.caPem());
        return clients.computeIfAbsent(m.name() + "/" + TlsContexts.fingerprint(ca), k -> HttpClient.newBuilder()
                .sslContext(TlsContexts.client(own, ca, true)).connectTimeout(Duration.ofSeconds(3)).build());
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JsonMapping.MAPPER.createObjectNode() : JsonMapping.MAPPER.readTree(body);
        } catch (IOException e) {
            return JsonMapping.MAPPER.createObjectNode().put("raw", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    private static CuspException failure(String site, int status, JsonNode n) {
        JsonNode e = n.path("error");
        ErrorCode code = ErrorCode.fromName(e.path("code").asText());
        if (code == ErrorCode.INTERNAL && status < 500) {
            code = status == 404 ? ErrorCode.NOT_FOUND : ErrorCode.CONFLICT;
        }
        return new CuspException(code, "site " + site + " refused: " + e.path("message").asText("HTTP " + status),
                e.path("field").isMissingNode() ? null : e.path("field").asText());
    }

    /**
     * The address of {@code path} at {@code site}. A recorded URL that is not one (a row written
     * before joins checked addresses) makes that site unreachable, as a 503 naming it, instead of
     * an IllegalArgumentException in the caller's loop over every member.
     */
    private static URI target(String site, String url, String path) {
        try {
            return URI.create(url + path);
        } catch (IllegalArgumentException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot reach site " + site + ": its recorded address is"
                    + " not a URL (" + e.getMessage() + ")");
        }
    }

    private static CuspException unreachable(String site, String url, IOException e) {
        return new CuspException(ErrorCode.UNAVAILABLE, "cannot reach site " + site + " at " + url + ": "
                + rootMessage(e));
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
