package dev.cusp.api;

import dev.cusp.site.Settings;
import io.javalin.Javalin;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PeerTrust;
import dev.cusp.tls.TlsContexts;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.List;
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
 * virtual threads. Routes live in the {@link RouteModule}s the site lists in its {@link Wiring}
 * ({@link AdminRoutes}, {@link PracticeRoutes}, {@link GroupRoutes}, {@link PeerRoutes}, ...), each
 * route with its {@link ApiRole} or {@link PeerAccess}, which {@link RoutePolicy} and
 * {@link PeerAccess} enforce before the handler runs.
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
    private final List<RouteModule> modules;
    private final SslContextFactory.Server ssl;
    private final CertificateAuthority tls;
    private final PeerTrust peers;
    private final RouteTable routes = new RouteTable();

    /**
     * What the API is made of, assembled by the site.
     *
     * @param tls    the site's CA and certificate, presented to clients
     * @param peers  the member sites' CAs, trusted for client certificates
     * @param policy the write policy every route's role is checked against
     * @param routes the parts of the API, registered in this order, which is the order Javalin tries
     *               a request's routes in: a part whose path a more general route of an earlier part
     *               also matches (under {@code /api/v1/t/{tenant}/{entity}/{id}}) must come before it
     */
    public record Wiring(Settings settings, CertificateAuthority tls, PeerTrust peers, RoutePolicy policy,
                         List<RouteModule> routes) {
        public Wiring {
            routes = List.copyOf(routes);
        }
    }

    /**
     * Builds the server and registers every route; refuses (IllegalStateException) a route that
     * does not declare exactly one role, or that no request reaches (an earlier route takes its paths).
     */
    public ApiServer(Wiring wiring) {
        Settings settings = wiring.settings();
        this.modules = wiring.routes();
        this.tls = wiring.tls();
        this.peers = wiring.peers();
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
        wiring.policy().install(app);
        for (RouteModule m : modules) {
            m.register(app);
        }
        app.get("/api/v1/openapi.json", ctx -> ctx.json(routes.withRoles(OpenApi.document())), ApiRole.PUBLIC);
        RoutePolicy.requireRoles(app);
        RouteTable.requireReachable(app);
    }

    /** The routes this server serves (every one registered, the record types spelled out). */
    public List<RouteTable.Route> routes() {
        return routes.routes();
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
        for (RouteModule m : modules) {
            if (m instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close " + m.getClass().getSimpleName(), e);
                }
            }
        }
    }
}
