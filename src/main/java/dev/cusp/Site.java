package dev.cusp;

import dev.cusp.base.CuspVersion;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.api.AdminRoutes;
import dev.cusp.api.ApiServer;
import dev.cusp.api.CheckRoutes;
import dev.cusp.api.DbmRoutes;
import dev.cusp.maintenance.DbmService;
import dev.cusp.api.ConflictRoutes;
import dev.cusp.check.CheckService;
import dev.cusp.api.GroupRoutes;
import dev.cusp.api.MetricsRoutes;
import dev.cusp.api.PeerRoutes;
import dev.cusp.api.PracticeRoutes;
import dev.cusp.conflict.ConflictLog;
import dev.cusp.api.QueryRoutes;
import dev.cusp.api.RouteModule;
import dev.cusp.api.RoutePolicy;
import dev.cusp.group.Group;
import dev.cusp.group.Members;
import dev.cusp.group.NodeKeeper;
import dev.cusp.query.QueryLimits;
import dev.cusp.query.QueryWindow;
import dev.cusp.query.ReplicaHint;
import dev.cusp.job.Jobs;
import dev.cusp.api.TlsRoutes;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PeerTrust;
import dev.cusp.api.Sessions;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeStatus;
import dev.cusp.node.NodeTools;
import dev.cusp.secret.Passwords;
import dev.cusp.secret.SecretBox;
import dev.cusp.base.FilePermissions;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.site.SiteIdentity;
import dev.cusp.api.DocumentAdminRoutes;
import dev.cusp.api.DocumentRoutes;
import dev.cusp.document.DocumentPaths;
import dev.cusp.document.DocumentStores;
import dev.cusp.tenant.BackupPaths;
import dev.cusp.tenant.DocumentCollection;
import dev.cusp.tenant.LegacyBackups;
import dev.cusp.tenant.PracticeAccounts;
import dev.cusp.tenant.PracticeJdbc;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.cusp.wire.SiteStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running site: its node, its services and its HTTPS server, started in that order and
 * stopped in the reverse one. One site per folder; a second start in the same folder is
 * refused while the first runs.
 */
public final class Site implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Site.class);

    private final SiteHome home;
    private final Settings settings;
    private EmbeddedNode node;
    private HikariDataSource admin;
    private TenantPools pools;
    private ApiServer server;
    private TenantService tenants;
    private dev.cusp.backup.BackupService backups;
    private dev.cusp.restore.Restorer restorer;
    private dev.cusp.backup.BackupScheduler backupScheduler;
    private Group group;
    private dev.cusp.docsync.DocumentSync documentSync;
    private dev.cusp.docsync.Scrub scrub;
    private String url;
    private DocumentStores documents;
    private DocumentCollection collection;

    private Site(SiteHome home, Settings settings) {
        this.home = home;
        this.settings = settings;
    }

    /**
     * Starts a site in {@code home}. Returns when it serves requests.
     *
     * @param firstAdminPassword receives the site-admin password if this start created it
     */
    public static Site start(SiteHome home, Settings settings, java.util.function.Consumer<String> firstAdminPassword) {
        return start(home, settings, firstAdminPassword, List.of());
    }

    /**
     * As {@link #start(SiteHome, Settings, java.util.function.Consumer)}, serving further parts of
     * the API after the site's own (a test's routes, which take paths no route of the site takes).
     */
    public static Site start(SiteHome home, Settings settings, java.util.function.Consumer<String> firstAdminPassword,
                             List<RouteModule> moreRoutes) {
        // The JDK reads this once, at its first server-side TLS handshake: set before the HTTPS
        // server starts, in every JVM that runs a site (the launcher and Cusp.main set it too).
        // A renegotiation a client starts then fails with an alert inside the handshake; Jetty's
        // own refusal (ApiServer) only closes the connection afterwards, which a client can race.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        Site s = new Site(home, settings);
        try {
            s.doStart(firstAdminPassword, moreRoutes);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Starts the node. A node that never ran, on a port Cusp drew itself, may find that port
     * taken by the time it binds (another program drew it too): it draws again, up to three
     * times, rather than failing the site's first start.
     */
    private NodeConfig startNode() {
        SiteIdentity id = home.identity();
        boolean neverRan = !Files.exists(home.node().resolve("data").resolve("mysql"));
        NodeConfig nc;
        for (int attempt = 1; ; attempt++) {
            nc = new NodeConfig(home.node(), id.dbPort(), id.serverId(), id.gtidDomainId(),
                    settings.get(Settings.DB_BUFFER_POOL_MB), home.tls().caCert(), home.tls().siteCert(),
                    home.tls().siteKey(), FilePermissions.read(home.nodeAdminPassword()), settings.get(Settings.DB_OS_USER));
            node = new EmbeddedNode(nc);
            List<String> extra = new ArrayList<>(NodeKeeper.savedArgs(home));
            if (!settings.get(Settings.DB_BIND).equals("127.0.0.1")) {
                extra.add("--bind-address=" + settings.get(Settings.DB_BIND));
            }
            node.extraArgs(extra);
            try {
                node.start();
                break;
            } catch (CuspException e) {
                String why = String.valueOf(e.getMessage());
                // Found taken before the start (EmbeddedNode.requirePortFree) or by mariadbd's own bind.
                boolean portTaken = why.contains("is in use by another program") || why.contains("Address already in use");
                if (!portTaken || !neverRan || settings.get(Settings.DB_PORT) != 0 || attempt == 3) {
                    throw e;
                }
                node.close();
                id = home.redrawDbPort();
                LOG.warn("node: port taken before the new node could bind it; drew port {} instead", id.dbPort());
            }
        }
        return nc;
    }

    private void doStart(java.util.function.Consumer<String> firstAdminPassword, List<RouteModule> moreRoutes) {
        claimFolder();
        Optional<String> pw = home.initialize(settings);
        pw.ifPresent(firstAdminPassword);
        NodeConfig nc = startNode();
        SiteIdentity id = home.identity();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("site-admin");
        hc.setJdbcUrl(node.jdbcUrl(null));
        hc.setUsername(EmbeddedNode.ADMIN_USER);
        hc.setPassword(nc.adminPassword());
        hc.setMaximumPoolSize(6);
        hc.setMinimumIdle(1);
        admin = new HikariDataSource(hc);
        PracticeSchema.migrateControl(admin);
        PracticeAccounts.requireTls(admin);

        SecretBox secrets = SecretBox.open(home.masterKey());
        PracticeJdbc practiceJdbc = new PracticeJdbc("127.0.0.1", id.dbPort(), home.tls().caCert());
        pools = new TenantPools(practiceJdbc, secrets, settings.get(Settings.POOL_MAX),
                Duration.ofSeconds(settings.get(Settings.POOL_IDLE_SECONDS)));
        Sessions sessions = new Sessions(Duration.ofMinutes(settings.get(Settings.TOKEN_TTL_MINUTES)),
                Duration.ofSeconds(settings.get(Settings.TOKEN_RECHECK_SECONDS)));
        TenantRegistry registry = new TenantRegistry(admin);
        dev.cusp.tenant.PracticeMigrations migrations =
                dev.cusp.tenant.PracticeMigrations.of(settings.get(Settings.PRACTICE_MIGRATIONS_EXTRA));
        PracticeRoutes practice = new PracticeRoutes(registry, pools, sessions, id.siteName(), loginThrottle(settings),
                migrations.latest());
        tenants = new TenantService(admin, registry, pools, secrets, new NodeTools(nc), home.documents(),
                new BackupPaths(home.backups(), BackupPaths.parse(settings.get(Settings.BACKUP_PATHS_ALLOWED))),
                practiceJdbc, practice::tenantChanged, migrations);
        AdminRoutes adminRoutes = new AdminRoutes(tenants, sessions, () -> FilePermissions.read(home.adminHash()),
                this::status, loginThrottle(settings));
        documents = new DocumentStores(home.documents());
        collection = new DocumentCollection(registry, pools, documents,
                Duration.ofMinutes(settings.get(Settings.DOCUMENT_GC_GRACE_MINUTES))).start();
        PeerTrust trust = new PeerTrust();
        Jobs jobs = new Jobs();
        group = new Group(home, settings, admin, node, secrets, pools, registry, trust,
                (name, closed) -> {
                    practice.tenantChanged(name, closed);
                    if (closed) {
                        pools.evict(name);
                    }
                });
        tenants.claimsBy(group.tenantClaims());
        backups = new dev.cusp.backup.BackupService(admin, nc, registry, backupFolder(settings), id.siteName(),
                new dev.cusp.backup.Retention(settings.get(Settings.BACKUP_KEEP_DAILY),
                        settings.get(Settings.BACKUP_KEEP_WEEKLY), settings.get(Settings.BACKUP_KEEP_MONTHLY),
                        java.time.ZoneId.systemDefault()));
        // A failed drill is a site alert (BACKUP_DRILL_FAILED): the monitor exists on a site in no group too.
        backups.alertsTo(dev.cusp.backup.DrillAlerts.toMonitor(group.monitor(), id.siteName()));
        backupScheduler = new dev.cusp.backup.BackupScheduler(backups, settings.get(Settings.BACKUP_SCHEDULE),
                settings.get(Settings.BACKUP_VERIFY_SCHEDULE), java.time.ZoneId.systemDefault());
        restorer = dev.cusp.restore.RestoreWiring.start(settings, home, admin, nc, registry, tenants, pools, backups,
                id.siteName(), (name, closed) -> practice.tenantChanged(name, closed));
        // Backups older versions left inside the practices' grants: moved in the background (a
        // copy each), so a site with large ones starts at once.
        Thread.ofVirtual().name("legacy-backups").start(() -> LegacyBackups.moveAll(admin, new NodeTools(nc)));
        restorer.group(new dev.cusp.api.RestoreGroupLink(group, new Members(admin), new dev.cusp.group.PeerClient(home.tls())));
        tenants.afterSuspend(restorer::cutSuspendedElsewhere);
        // Before serving: a report replica must refuse writes from its first request on.
        group.reconcile();
        // Javalin tries a request's routes in the order registered: the practice routes (nearly
        // every request) come first. The query route goes before them, or POST /t/{tenant}/{entity}
        // would take it; so does any part with routes under /api/v1/t/{tenant}.
        List<RouteModule> routes = new ArrayList<>(List.of(new QueryRoutes(registry, sessions,
                new QueryWindow(pools, group::readOnly, ReplicaHint.of(new Members(admin)),
                new QueryLimits(settings.get(Settings.QUERY_CONCURRENT_PER_TENANT),
                        settings.get(Settings.QUERY_CONCURRENT_SITE)), settings.get(Settings.QUERY_MAX_BYTES)),
                id.siteName()),
                practice, adminRoutes, new GroupRoutes(group, jobs), new PeerRoutes(group, jobs),
                new MetricsRoutes(group, pools),
                new CheckRoutes(new CheckService(admin, registry, home.tls(), id.siteName()), jobs, group),
                updateRoutes(jobs),
                new DbmRoutes(new DbmService(admin, registry, pools, home.tls(), id.siteName()), jobs),
                new ConflictRoutes(new ConflictLog(admin, id.siteName()), registry, group, id.siteName()),
                new TlsRoutes(home.tls().revocations()),
                new dev.cusp.api.BackupRoutes(backups, backupScheduler, jobs),
                new dev.cusp.api.RestoreRoutes(restorer, jobs)));
        // Documents: the practice API's document routes go before the practice routes (whose
        // /{entity}/{id} would take /documents/search); replication's routes add their gauges to /metrics.
        routes.add(1, new DocumentRoutes(practice, documents,
                startDocumentSync(registry).source(DocumentRoutes.local(documents)),
                settings.get(Settings.DOCUMENT_MAX_MB) * 1_048_576L, settings.get(Settings.DOCUMENT_QUOTA_MB) * 1_048_576L));
        routes.add(new DocumentAdminRoutes(registry, pools, documents, new DocumentPaths(home.backups(),
                BackupPaths.parse(settings.get(Settings.DOCUMENT_PATHS_ALLOWED))), jobs, id.siteName(),
                settings.get(Settings.DOCUMENT_MAX_MB) * 1_048_576L));
        routes.add(documentSyncRoutes(registry, jobs, routes.stream().filter(MetricsRoutes.class::isInstance)
                .map(MetricsRoutes.class::cast).findFirst().orElseThrow()));
        routes.addAll(moreRoutes);
        server = new ApiServer(new ApiServer.Wiring(settings, home.tls(), trust, new RoutePolicy(group, registry, pools),
                routes)).start();
        backupScheduler.start();
        String address = settings.get(Settings.ADDRESS);
        publishRevocations(id.siteName(), address);

        String host = settings.get(Settings.BIND);
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
        String cliToken = Passwords.token();
        sessions.registerSiteAdmin(cliToken);
        FilePermissions.writePrivate(home.cliToken(), cliToken);
        FilePermissions.writePrivate(home.urlFile(), url);
        group.start("https://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + server.port());
        LOG.info("site {}: serving {} (node 127.0.0.1:{}, home {})", id.siteName(), url, id.dbPort(), home.dir());
    }

    /**
     * Makes the site certificate name this site's revocation list at the address clients use,
     * then signs the list. The certificate is needed before the port is known (the node starts
     * first and presents it), so with a fixed port it is issued with the right address in
     * {@link SiteHome#initialize}, and this finds nothing to do. With port 0 (tests) the port
     * exists only now that the server is bound: the certificate is re-issued here (the one it
     * replaces goes on the list as superseded) and handed to the HTTPS server and the node. No
     * HTTPS client has seen the first one (nobody knew the port before {@link #url} is written);
     * node connections made meanwhile keep it, new ones get the new one. Binding earlier instead
     * would leave a site that is still starting its node accepting HTTPS connections it cannot
     * answer, where now a client is refused at once and tries again.
     */
    private void publishRevocations(String siteName, String address) {
        if (home.tls().ensure(siteName, address, CertificateAuthority.crlUrl(address, server.port()))) {
            LOG.info("site {}: certificate re-issued to name its revocation list at {}", siteName,
                    CertificateAuthority.crlUrl(address, server.port()));
            server.reloadTls();
            node.reloadTls();
        }
        home.tls().revocations().publish();
    }

    /** Document replication (issue 17): the sync and its scrub; joins wait for the files. */
    private dev.cusp.docsync.DocumentSync startDocumentSync(TenantRegistry registry) {
        documentSync = new dev.cusp.docsync.DocumentSync(admin, registry, group,
                new dev.cusp.docsync.LocalContent(home.documents(), documents), home.tls(),
                settings.get(Settings.DOCUMENT_SYNC_PARALLEL), settings.get(Settings.DOCUMENT_SYNC_KBPS),
                settings.get(Settings.DOCUMENT_BACKLOG_ALERT_MINUTES)).start();
        scrub = new dev.cusp.docsync.Scrub(admin, registry, documentSync, settings.get(Settings.DOCUMENT_SCRUB_KBPS),
                settings.get(Settings.DOCUMENT_SCRUB_PAUSE_SECONDS)).start();
        group.documents().afterSeed(documentSync::afterSeed);
        group.documents().status(documentSync::backlog);
        return documentSync;
    }

    private dev.cusp.api.DocumentSyncRoutes documentSyncRoutes(TenantRegistry registry, Jobs jobs, MetricsRoutes metrics) {
        return new dev.cusp.api.DocumentSyncRoutes(documentSync, new dev.cusp.docsync.DocumentCheck(admin, registry,
                group, documentSync, new dev.cusp.group.PeerClient(home.tls())), registry, admin, jobs, metrics)
                .scrub(scrub);
    }

    /** Document replication at this site (read-through for downloads, tests). */
    public dev.cusp.docsync.DocumentSync documentSync() {
        return documentSync;
    }

    private static dev.cusp.api.LoginThrottle loginThrottle(Settings settings) {
        return new dev.cusp.api.LoginThrottle(settings.get(Settings.LOGIN_MAX_FAILURES),
                Duration.ofMinutes(settings.get(Settings.LOGIN_LOCKOUT_MINUTES)));
    }

    private dev.cusp.api.UpdateRoutes updateRoutes(Jobs jobs) {
        dev.cusp.update.UpdateLocal local = new dev.cusp.update.UpdateLocal(group, tenants, admin);
        return new dev.cusp.api.UpdateRoutes(new dev.cusp.update.GroupUpdate(new Members(admin),
                new dev.cusp.group.PeerClient(home.tls()), home.identity().siteName(), local, tenants, admin), local, jobs);
    }

    /** Refuses to start while another live process runs a site in this folder. */
    private void claimFolder() {
        FilePermissions.privateDir(home.run());
        if (Files.exists(home.pidFile())) {
            try {
                long pid = Long.parseLong(Files.readString(home.pidFile()).trim());
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                        .orElse(false)) {
                    throw new CuspException(ErrorCode.SITE_ALREADY_RUNNING, "a site is already running in "
                            + home.dir() + " (pid " + pid + "); stop it with 'cusp down --home " + home.dir() + "'");
                }
            } catch (IOException | NumberFormatException stale) {
                LOG.info("site: ignoring an unreadable pid file");
            }
        }
        FilePermissions.writePrivate(home.pidFile(), Long.toString(ProcessHandle.current().pid()));
    }

    /** What {@code GET /admin/status} shows of the site and its node (the admin API adds the tenants). */
    public SiteStatus status() {
        SiteIdentity id = home.identity();
        // This site's active alerts, also when it is in no group (then GET /admin/group lists no site).
        return new SiteStatus(new SiteStatus.About(id.siteName(), CuspVersion.VERSION, url, home.dir().toString(),
                home.tls().caFingerprint(), pools.openPools(), pools.openConnections()), NodeStatus.read(admin),
                group.monitor().alerts(false), null);
    }

    public String url() {
        return url;
    }

    public int port() {
        return server.port();
    }

    public SiteHome home() {
        return home;
    }

    /** This site's point-in-time restore (dev.cusp.restore). */
    public dev.cusp.restore.Restorer restorer() {
        return restorer;
    }

    /** backup.folder, or HOME/backups when empty. */
    private java.nio.file.Path backupFolder(Settings settings) {
        String f = settings.get(Settings.BACKUP_FOLDER);
        return f.isEmpty() ? home.backups() : java.nio.file.Path.of(f);
    }

    /** This site's backups (dev.cusp.backup). */
    public dev.cusp.backup.BackupService backups() {
        return backups;
    }

    public TenantService tenants() {
        return tenants;
    }

    public EmbeddedNode node() {
        return node;
    }

    public Group group() {
        return group;
    }

    public TenantPools pools() {
        return pools;
    }

    /** The HTTPS API server (its routes are what the OpenAPI document is checked against). */
    public ApiServer api() {
        return server;
    }

    /** The practices' document stores at this site. */
    public DocumentStores documents() {
        return documents;
    }

    /** The collector of document contents no record refers to. */
    public DocumentCollection documentCollection() {
        return collection;
    }

    @Override
    public synchronized void close() {
        if (restorer != null) {
            restorer.close();
        }
        if (backupScheduler != null) {
            backupScheduler.stop();
        }
        if (scrub != null) {
            scrub.close();
            scrub = null;
        }
        if (documentSync != null) {
            documentSync.close();
            documentSync = null;
        }
        if (collection != null) {
            collection.close();
            collection = null;
        }
        if (group != null) {
            group.close();
            group = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        if (pools != null) {
            pools.close();
            pools = null;
        }
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (node != null) {
            node.close();
            node = null;
        }
        try {
            Files.deleteIfExists(home.urlFile());
            Files.deleteIfExists(home.cliToken());
            if (Files.exists(home.pidFile()) && Files.readString(home.pidFile()).trim()
                    .equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(home.pidFile());
            }
        } catch (IOException e) {
            LOG.warn("site: cannot clean run files: {}", e.getMessage());
        }
        LOG.info("site: stopped");
    }
}
