package dev.cusp.api;

import dev.cusp.site.Settings;
import io.javalin.Javalin;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PeerTrust;
import dev.cusp.tls.TlsContexts;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The site's HTTPS server: TLS 1.2 and 1.3 only, no plain-HTTP listener at all, requests on
 * virtual threads. Routes live in {@link AdminRoutes}, {@link PracticeRoutes}, {@link GroupRoutes}
 * and {@link PeerRoutes}.
 *
 * <p>The server asks every client for a certificate but does not require one: the sites of a
 * replication group present theirs (mutual TLS, checked by {@link PeerTrust} during the
 * handshake and required by the peer routes); the CLI, browsers and practice applications
 * present none and authenticate with tokens.
 *
 * <p>Slow or greedy clients are bounded: a header deadline and a cap on connections per client
 * address ({@link ConnectionGuard}), an idle timeout, a minimum request body rate; TLS 1.2
 * renegotiation is refused.
 */
public final class ApiServer implements AutoCloseable {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHERS = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private final Javalin app;
    private final QueryRoutes query;
    private final SslContextFactory.Server ssl;
    private final CertificateAuthority tls;
    private final PeerTrust peers;
    private final RouteTable routes = new RouteTable();
    private final MetricsRoutes metrics;

    public ApiServer(Settings settings, CertificateAuthority tls, PeerTrust peers, AdminRoutes admin,
                     PracticeRoutes practice, GroupRoutes group, PeerRoutes peer, MetricsRoutes metrics,
                     QueryRoutes query, CheckRoutes check, UpdateRoutes update, DocumentRoutes documents) {
        this.query = query;
        this.metrics = metrics;
        this.tls = tls;
        this.peers = peers;
        this.ssl = new SslContextFactory.Server();
        ssl.setSslContext(TlsContexts.server(tls, peers));
        ssl.setIncludeProtocols(PROTOCOLS);
        ssl.setIncludeCipherSuites(CIPHERS);
        ssl.setWantClientAuth(true);
        ssl.setSniRequired(false);
        // A client-initiated TLS 1.2 renegotiation costs the server a full handshake per request
        // of the client's choosing (a denial-of-service lever): refused, the connection closed.
        // TLS 1.3 has no renegotiation. Cusp.main also sets jdk.tls.rejectClientInitiatedRenegotiation.
        ssl.setRenegotiationAllowed(false);
        app = Javalin.create(c -> {
            c.useVirtualThreads = true;
            c.showJavalinBanner = false;
            c.http.maxRequestSize = settings.get(Settings.REQUEST_MAX_BYTES);
            // No gzip: responses are small, and compressing secrets (tokens) next to
            // attacker-influenced text over TLS invites BREACH-style attacks.
            c.http.disableCompression();
            c.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            c.appData(RouteTable.KEY, routes);
            // The only listener: TLS. There is no plain-HTTP connector to fall back to.
            c.jetty.addConnector((server, http) -> {
                HttpConfiguration hc = new HttpConfiguration(http);
                hc.setMinRequestDataRate(settings.get(Settings.HTTP_MIN_REQUEST_BYTES_PER_SECOND));
                SecureRequestCustomizer src = new SecureRequestCustomizer();
                src.setSniHostCheck(false);
                hc.addCustomizer(src);
                ServerConnector sc = new ServerConnector(server,
                        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(hc));
                sc.setHost(settings.get(Settings.BIND));
                sc.setPort(settings.get(Settings.PORT));
                sc.setIdleTimeout(settings.get(Settings.HTTP_IDLE_TIMEOUT_SECONDS) * 1000L);
                sc.addBean(new ConnectionGuard(sc.getScheduler(),
                        Duration.ofSeconds(settings.get(Settings.HTTP_HEADER_TIMEOUT_SECONDS)),
                        settings.get(Settings.HTTP_MAX_CONNECTIONS_PER_ADDRESS)));
                return sc;
            });
        });
        routes.bind(app);
        ErrorMapper.install(app);
        app.before(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        });
        Before.under(app, "/api/v1", dev.cusp.version.ClientVersion::check);
        // Javalin tries a request's routes in the order they were registered: the practice
        // routes (nearly every request) come first. The query route goes before them, or
        // POST /t/{tenant}/{entity} would take it; no other routes live under /api/v1/t.
        query.register(app);
        documents.register(app);
        practice.register(app);
        admin.register(app);
        group.register(app);
        peer.register(app);
        metrics.register(app);
        check.register(app);
        update.register(app);
        app.get("/api/v1/openapi.json", ctx -> ctx.json(OpenApi.document()));
    }

    /** The routes this server serves (every one registered, the record types spelled out). */
    public java.util.List<RouteTable.Route> routes() {
        return routes.routes();
    }

    /** Registers further routes (before {@link #start}). */
    public ApiServer with(DbmRoutes dbm) {
        dbm.register(app);
        return this;
    }

    /** Registers the conflict routes (before {@link #start}). */
    public ApiServer with(ConflictRoutes conflicts) {
        conflicts.register(app);
        return this;
    }

    /** Registers document replication's routes and its gauges (before {@link #start}). */
    public ApiServer with(DocumentSyncRoutes documents) {
        documents.register(app);
        documents.gauges(metrics.registry());
        return this;
    }

    /** Registers the document import and export routes (before {@link #start}). */
    public ApiServer with(DocumentAdminRoutes documents) {
        documents.register(app);
        return this;
    }

    /** Registers the revocation list route (before {@link #start}). */
    public ApiServer with(TlsRoutes crl) {
        crl.register(app);
        return this;
    }

    /** Presents the site certificate now in {@code HOME/tls} to new connections (it was re-issued). */
    public void reloadTls() {
        try {
            ssl.reload(f -> f.setSslContext(TlsContexts.server(tls, peers)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the re-issued site certificate: " + e.getMessage(), e);
        }
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
        query.close();
    }
}
