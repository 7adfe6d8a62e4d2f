package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.site.SiteHome;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.wire.ErrorAnswer;
import dev.cusp.wire.ErrorBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CLI's way to a site: HTTPS to the site's admin API, trusting only the site's own CA,
 * with the local token the running site leaves in its folder for the OS user that owns it.
 */
public final class AdminClient {
    private final SiteHome home;
    private final String url;
    private final String token;
    private final HttpClient http;

    private AdminClient(SiteHome home, String url, String token, HttpClient http) {
        this.home = home;
        this.url = url;
        this.token = token;
        this.http = http;
    }

    public static AdminClient connect(SiteHome home) {
        if (!Files.exists(home.urlFile()) || !Files.exists(home.cliToken())) {
            throw notRunning(home);
        }
        try {
            return new AdminClient(home, Files.readString(home.urlFile()).trim(),
                    Files.readString(home.cliToken()).trim(), client(home));
        } catch (IOException e) {
            throw notRunning(home);
        }
    }

    /** An HTTPS client that trusts only the site's own CA. */
    public static HttpClient client(SiteHome home) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("cusp-ca", CertificateAuthority.load(home.tls().caCert()));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot load the site's CA from " + home.tls().caCert());
        }
    }

    private static CuspException notRunning(SiteHome home) {
        return new CuspException(ErrorCode.SITE_NOT_RUNNING, "no site is running in " + home.dir()
                + "; start it with './cusp up --home " + home.dir() + "'");
    }

    public String url() {
        return url;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    public JsonNode post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : write(body))));
    }

    public JsonNode put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : write(body))));
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).DELETE());
    }

    /** GETs an answer and reads it into its record; a field the record needs but the answer lacks fails. */
    public <T> T get(String path, Class<T> type) {
        return read(get(path), type);
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return read(post(path, body), type);
    }

    public <T> T put(String path, Object body, Class<T> type) {
        return read(put(path, body), type);
    }

    public <T> T delete(String path, Class<T> type) {
        return read(delete(path), type);
    }

    /**
     * Reads an answer (or a part of one, such as a job's result) into its record. A site of
     * another version may answer without a field this CLI needs: that is said, not printed blank.
     */
    public static <T> T read(JsonNode answer, Class<T> type) {
        if (answer == null || answer.isNull() || answer.isMissingNode()) {
            throw new CuspException(ErrorCode.INTERNAL, "the site answered no " + type.getSimpleName()
                    + " (is the site running another version of Cusp? 'cusp --version' shows this one)");
        }
        try {
            return JsonMapping.read(answer, type);
        } catch (IllegalArgumentException e) {
            throw new CuspException(ErrorCode.INTERNAL, e.getMessage() + " (is the site running another version of"
                    + " Cusp? 'cusp --version' shows this one)");
        }
    }

    private static String write(Object body) {
        try {
            return JsonMapping.MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder b) {
        HttpResponse<String> r;
        try {
            r = http.send(b.header("Authorization", "Bearer " + token)
                            .header(dev.cusp.version.ClientVersion.HEADER, dev.cusp.base.CuspVersion.VERSION).timeout(Duration.ofHours(6)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw notRunning(home);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.SITE_NOT_RUNNING, "cannot reach the site at " + url + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "interrupted");
        }
        JsonNode n;
        try {
            n = r.body().isBlank() ? JsonMapping.MAPPER.createObjectNode() : JsonMapping.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "the site answered " + r.statusCode() + " with no JSON");
        }
        if (r.statusCode() >= 400) {
            throw refusal(r.statusCode(), n);
        }
        return n;
    }

    /**
     * The site's refusal as its {@link ErrorAnswer}; an answer that is not one (a proxy's page,
     * another program on the port) is named by its status instead.
     */
    static CuspException refusal(int status, JsonNode answer) {
        ErrorBody e;
        try {
            e = JsonMapping.read(answer, ErrorAnswer.class).error();
        } catch (IllegalArgumentException notAnError) {
            e = null;
        }
        if (e == null) {
            return new CuspException(ErrorCode.INTERNAL, "the site answered " + status);
        }
        return new CuspException(ErrorCode.fromName(e.code()), e.message(), e.field());
    }
}
