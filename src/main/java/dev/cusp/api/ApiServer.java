package dev.cusp.api;

import dev.cusp.site.Settings;
import io.javalin.Javalin;
import io.javalin.community.ssl.SslPlugin;
import io.javalin.community.ssl.TlsConfig;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The site's HTTPS server: TLS 1.2 and 1.3 only, no plain-HTTP listener at all, requests on
 * virtual threads. Routes live in {@link AdminRoutes} and {@link PracticeRoutes}.
 */
public final class ApiServer implements AutoCloseable {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHERS = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private final Javalin app;

    public ApiServer(Settings settings, Path cert, Path key, AdminRoutes admin, PracticeRoutes practice) {
        SslPlugin ssl = new SslPlugin(c -> {
            c.pemFromPath(cert.toString(), key.toString());
            c.insecure = false;
            c.secure = true;
            c.host = settings.get(Settings.BIND);
            c.securePort = settings.get(Settings.PORT);
            c.http2 = false;
            c.sniHostCheck = false;
            c.tlsConfig = new TlsConfig(CIPHERS, PROTOCOLS);
        });
        app = Javalin.create(c -> {
            c.useVirtualThreads = true;
            c.showJavalinBanner = false;
            c.http.maxRequestSize = settings.get(Settings.REQUEST_MAX_BYTES);
            // No gzip: responses are small, and compressing secrets (tokens) next to
            // attacker-influenced text over TLS invites BREACH-style attacks.
            c.http.disableCompression();
            c.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            c.registerPlugin(ssl);
        });
        ErrorMapper.install(app);
        app.before(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        });
        app.get("/api/v1/openapi.json", ctx -> ctx.json(OpenApi.document()));
        admin.register(app);
        practice.register(app);
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector sc) {
                return sc.getLocalPort();
            }
        }
        throw new IllegalStateException("no connector");
    }

    @Override
    public void close() {
        app.stop();
    }
}
