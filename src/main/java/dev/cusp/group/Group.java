package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.job.Job;
import dev.cusp.node.Binlog;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.KeySpacing;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.NodeSettings;
import dev.cusp.replication.PhysicalSnapshot;
import dev.cusp.replication.ReplicationAccounts;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.replication.ReplicationErrors;
import dev.cusp.replication.ReplicationSource;
import dev.cusp.replication.Seeder;
import dev.cusp.secret.SecretBox;
import dev.cusp.base.FilePermissions;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.PeerTrust;
import dev.cusp.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This site's place in a replication group, and the work of keeping it there.
 *
 * <p>Membership lives in the control database ({@link Members}) and replicates like any
 * other data, so every site knows the whole group. A reconciler runs every few seconds on
 * every site and makes the node match what the membership says: trusted peer CAs, key
 * spacing, read-only for report replicas, and one replication channel per source the
 * topology calls for (asking each source, over mutual TLS, for an account of its own).
 * Joining, leaving and re-seeding change the membership or the data; the reconciler does
 * the rest, and repairs a channel that broke because its source was re-seeded.
 */
public final class Group implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(Group.class);
    static final ObjectMapper JSON = new ObjectMapper();
    public static final int DEFAULT_CAPACITY = 5;
    public static final String MESH = "mesh";
    public static final String RING = "ring";

    final SiteHome home;
    private final Settings settings;
    final DataSource admin;
    final EmbeddedNode node;
    final SecretBox secrets;
    private final TenantPools pools;
    final TenantRegistry tenants;
    private final PeerTrust trust;
    private final java.util.function.BiConsumer<String, Boolean> tenantChanged;
    private Map<String, String> tenantStamps = Map.of();
    final Members members;
    final Invites invites;
    final PeerClient peers;
    /** This process's incarnation id and those heard from peers: a full copy of a site (FullCopies). */
    final Incarnations incarnations = new Incarnations();
    final ReplicationChannels channels;
    private final ScheduledExecutorService loop;
    volatile String url;
    volatile Member self;
    volatile boolean busy;
    volatile String lastReconcileError;
    private volatile List<Member> lastKnown = List.of();
    final Monitor monitor;
    final VersionGate versions;
    private final dev.cusp.conflict.ConflictResolver resolver;
    private final NodeKeeper nodeKeeper;
    private final TenantClaims claims;
    private final LinkMends mends = new LinkMends();
    final BinlogKeeper binlogs;
    private final ScheduledExecutorService binlogLoop;
    final PeerWatch watch;
    private final DiskWatch disk;
    private final ScheduledExecutorService watchLoop;
    /** This site's wall clock: the system's; a test may shift it to play a machine whose clock is wrong. */
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();
    /**
     * The Cusp version this site tells its peers it runs and compares theirs with: the build's; a
     * test may change it to play a site updated ahead of the others (VERSION_MISMATCH).
     */
    private volatile String version = CuspVersion.VERSION;
    /** The alert key of this site's own identity clash (CLONED_SITE found by the reconciler). */
    static final String IDENTITY = "identity";

    public Group(SiteHome home, Settings settings, DataSource admin, EmbeddedNode node, SecretBox secrets,
                 TenantPools pools, TenantRegistry tenants, PeerTrust trust,
                 java.util.function.BiConsumer<String, Boolean> tenantChanged) {
        this.home = home;
        this.settings = settings;
        this.admin = admin;
        this.node = node;
        this.secrets = secrets;
        this.pools = pools;
        this.tenants = tenants;
        this.trust = trust;
        this.tenantChanged = tenantChanged;
        this.nodeKeeper = new NodeKeeper(home, admin, node, pools);
        this.members = new Members(admin);
        this.invites = new Invites(home.dir().resolve("site/invites.json"));
        this.peers = new PeerClient(home.tls(), incarnations.mine());
        this.channels = new ReplicationChannels(admin);
        this.claims = new TenantClaims(() -> self, members, peers, tenants);
        this.monitor = new Monitor(home.identity().siteName(), settings.get(Settings.MONITOR_LAG_SECONDS),
                settings.get(Settings.MONITOR_STUCK_SECONDS),
                "fence".equals(settings.get(Settings.MONITOR_FENCE)), settings.get(Settings.MONITOR_WEBHOOK));
        this.versions = new VersionGate(peers, admin, this::version, dev.cusp.tenant.PracticeMigrations.of(
                settings.get(Settings.PRACTICE_MIGRATIONS_EXTRA)).latest());
        this.resolver = new dev.cusp.conflict.ConflictResolver(admin, home.identity().siteName(),
                "auto".equals(settings.get(Settings.CONFLICTS_RESOLVE)),
                Boolean.parseBoolean(settings.get(Settings.CONFLICTS_DELETE_WINS)));
        this.binlogs = new BinlogKeeper(this, Duration.ofDays(settings.get(Settings.BINLOG_RETAIN_DAYS)),
                settings.get(Settings.BINLOG_RETAIN_MAX_MB) * 1048576L);
        this.watch = new PeerWatch(this, settings.get(Settings.MONITOR_CLOCK_SKEW_SECONDS));
        this.disk = new DiskWatch(this, settings.get(Settings.MONITOR_DISK_MIN_FREE_PERCENT),
                settings.get(Settings.MONITOR_DISK_MIN_FREE_MB));
        this.watchLoop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "site-watch");
            t.setDaemon(true);
            return t;
        });
        this.binlogLoop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "binlog-keeper");
            t.setDaemon(true);
            return t;
        });
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "group-reconciler");
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------ lifecycle

    /** Reconciles once now (so a replica is read-only before it serves), then every 2 s. */
    public void start(String siteUrl) {
        this.url = siteUrl;
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("group: first reconcile failed: {}", e.getMessage());
        }
        loop.scheduleWithFixedDelay(() -> {
            try {
                reconcile();
                lastReconcileError = null;
            } catch (RuntimeException e) {
                lastReconcileError = e.getMessage();
                LOG.warn("group: reconcile failed: {}", e.getMessage());
            }
        }, 2, 2, TimeUnit.SECONDS);
        // The site watch and the binary log keeper have threads of their own: they ask every member
        // over the network, which must not delay the links.
        watchLoop.scheduleWithFixedDelay(() -> {
            try {
                disk.run();
            } catch (RuntimeException e) {
                LOG.warn("group: disk check failed: {}", e.getMessage());
            }
            try {
                watch.run();
            } catch (RuntimeException e) {
                LOG.warn("group: site watch failed: {}", e.getMessage());
            }
        }, 1, 2, TimeUnit.SECONDS);
        binlogLoop.scheduleWithFixedDelay(() -> {
            try {
                if (!busy) {
                    binlogs.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("group: binary log keeping failed: {}", e.getMessage());
            }
        }, 60, 60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        watchLoop.shutdownNow();
        watch.close();
        binlogLoop.shutdownNow();
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    SiteIdentity id() {
        return home.identity();
    }

    /** This site's wall clock, as its peers see it in its status answer. */
    java.time.Clock clock() {
        return clock;
    }

    /** Shifts this site's clock: the seam a test uses to play a machine whose clock is wrong. */
    void clock(java.time.Clock c) {
        this.clock = c;
    }

    /** The Cusp version this site runs, as its peers see it (hello, status) and its version gate compares. */
    String version() {
        return version;
    }

    /** Changes the version this site claims: the seam a test uses to play a site that runs another Cusp version. */
    void version(String v) {
        this.version = v;
    }

    public String siteName() {
        return id().siteName();
    }

    /** True on a report replica: the API refuses writes. */
    public boolean readOnly() {
        Member m = self;
        return m != null && !m.peer();
    }

    /** Where writes go when this site is a replica: its upstream peer's name and URL. */
    public String primaryHint() {
        Member m = self;
        if (m == null || m.upstream() == null) {
            return "a peer of the group";
        }
        return members.find(m.upstream()).map(u -> "site " + u.name() + " (" + u.url() + ")")
                .orElse("site " + m.upstream());
    }

    /** Refuses an admin change on a replica, naming where to make it. */
    /** Claims a new tenant's name and id at every peer before it is made (see {@link TenantClaims}). */
    public TenantClaims tenantClaims() {
        return claims;
    }

    public void requireWritable(String what) {
        if (readOnly()) {
            throw new CuspException(ErrorCode.READ_ONLY, "this site is a read-only report replica; " + what
                    + " at " + primaryHint() + ", and it replicates here");
        }
    }

    String nodeHost() {
        return settings.get(Settings.ADDRESS);
    }

    // ------------------------------------------------------------------ invite

    public Map<String, Object> invite(String role, Duration validFor, String topology) {
        if (!Member.PEER.equals(role) && !Member.REPLICA.equals(role)) {
            throw CuspException.invalid("role", "role must be 'peer' or 'replica'");
        }
        if (topology != null && !MESH.equals(topology) && !RING.equals(topology)) {
            throw CuspException.invalid("topology", "topology must be 'mesh' or 'ring'");
        }
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(7)) > 0) {
            throw CuspException.invalid("expires", "an invitation lasts from 1 minute to 7 days");
        }
        synchronized (this) {
            found(topology);
        }
        Member me = self;
        if (me == null || !me.peer() || !me.active()) {
            throw new CuspException(ErrorCode.READ_ONLY, "only an active peer can invite; this site is "
                    + (me == null ? "not in a group" : "a " + me.role()));
        }
        String secret = invites.issue(role, validFor);
        JoinToken token = new JoinToken(siteName(), url, home.tls().caFingerprint(), secret);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", token.encode());
        m.put("role", role);
        m.put("site", siteName());
        m.put("url", url);
        m.put("ca_fingerprint_sha256", home.tls().caFingerprint());
        m.put("expires_at", Instant.now().plus(validFor).toString());
        m.put("topology", members.setting("topology", MESH));
        return m;
    }

    /** Makes this site the first member of a new group, unless it already is in one. */
    private void found(String topology) {
        if (members.all().isEmpty()) {
            SiteIdentity id = id();
            members.insert(new Member(id.siteName(), Member.PEER, Member.ACTIVE, url, nodeHost(), id.dbPort(),
                    TlsContexts.pem(CertificateAuthority.load(home.tls().caCert())), id.serverId(), id.gtidDomainId(), 1, null,
                    null, 1, CuspVersion.VERSION));
            members.putSetting("topology", topology == null ? MESH : topology);
            members.putSetting("capacity", Integer.toString(DEFAULT_CAPACITY));
            LOG.info("group: founded by {} ({})", id.siteName(), topology == null ? MESH : topology);
            reconcile();
        } else if (topology != null) {
            members.putSetting("topology", topology);
        }
    }

    // ------------------------------------------------------------------ accept a join (inviting site)

    /** What this site tells a joining site about itself before anything else: public facts. */
    public Map<String, Object> hello() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", siteName());
        m.put("version", version());
        m.put("control_schema", PracticeSchema.latestControlVersion());
        m.put("practice_schema", PracticeSchema.latestPracticeVersion());
        return m;
    }

    /**
     * Accepts a joining site that showed a valid one-time secret: checks versions, names,
     * identities and the writer limit, creates its replication account here, and records it
     * as joining. Returns what it needs to seed and replicate.
     */
    public synchronized Map<String, Object> accept(JsonNode req, String remoteAddress, X509Certificate clientCert) {
        return new Admission(this).accept(req, remoteAddress, clientCert);
    }

    /**
     * True when this site admitted {@code site} with a certificate of this SHA-256: a joining
     * site is answered only here, and only with the certificate it joined with.
     */
    public boolean joinPinned(String site, String certSha256) {
        return invites.pinFor(site).map(certSha256::equals).orElse(false);
    }

    /** The joining site has loaded its seed and replicates: it becomes active everywhere. */
    public void complete(String site, String seedGtid) {
        Member m = members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "site " + site + " is not joining this group", "site"));
        if (!m.state().equals(Member.JOINING)) {
            return;
        }
        GtidPos.parse(seedGtid);
        members.activate(site, seedGtid);
        LOG.info("group: site {} is active (seeded at {})", site, seedGtid);
        reconcile();
    }

    // ------------------------------------------------------------------ join (joining site): see Joining

    /** This site joins the group that issued the token; see {@link Joining}. */
    public Map<String, Object> join(String tokenText, boolean force, Job job) {
        return new Joining(this).run(tokenText, force, job);
    }

    static Map<String, Object> seedSummary(Seeder.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gtid_position", r.gtidPos());
        m.put("databases", r.databases().size());
        m.put("users", r.users());
        m.put("rows", r.rows());
        m.put("bytes", r.bytes());
        m.put("seconds", r.millis() / 1000.0);
        m.put("mb_per_second", r.millis() == 0 ? null : Math.round(r.bytes() / 1000.0 / r.millis() * 10) / 10.0);
        return m;
    }

    /** Streams a snapshot from {@code source} into this node, reporting progress. */
    Seeder.Result seedFrom(Member source, Job job) {
        job.step("seeding from " + source.name() + " (a consistent snapshot at a known GTID position)");
        HttpResponse<InputStream> r = peers.stream(source, "/api/v1/peer/snapshot?format="
                + ("sql".equals(settings.get(Settings.SEED_FORMAT)) ? "sql" : "physical"));
        long estimate = r.headers().firstValueAsLong("X-Cusp-Estimated-Bytes").orElse(-1);
        boolean physical = r.headers().firstValue("X-Cusp-Snapshot-Format").orElse("sql").equals("physical");
        job.step("copying " + (physical ? "InnoDB tablespaces (file copy, no re-insert)" : "an SQL dump"));
        try (InputStream in = r.body()) {
            java.util.function.Consumer<Seeder.Progress> report = p -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bytes", p.bytes());
                m.put("rows", p.rows());
                m.put("estimated_bytes", p.estimatedBytes());
                m.put("elapsed_seconds", p.elapsedMillis() / 1000);
                m.put("eta_seconds", p.etaSeconds());
                job.progress(m);
            };
            Seeder.Result res = physical ? PhysicalSnapshot.read(in, node.config(), admin, estimate, report)
                    : Seeder.load(in, node.config(), admin, estimate, report);
            if (physical) {
                // Imported tablespaces are only crash-safe after a checkpoint: a node killed
                // before one lost every later change to them on restart (CrashIT). A clean
                // restart is a full checkpoint.
                job.step("restarting the node once, so the imported tablespaces are checkpointed");
                long t0 = System.nanoTime();
                nodeKeeper.restart();
                // The restart is part of the seed's cost: count it in the figures.
                res = new Seeder.Result(res.gtidPos(), res.databases(), res.users(), res.bytes(), res.rows(),
                        res.millis() + (System.nanoTime() - t0) / 1_000_000);
            }
            pools.evictAll();
            tenants.all().forEach(t -> tenantChanged.accept(t.name(), true));
            job.step(String.format("seeded %d databases, %d rows (approx.), %.1f MB in %.1f s, at GTID %s",
                    res.databases().size(), res.rows(), res.bytes() / 1048576.0, res.millis() / 1000.0, res.gtidPos()));
            return res;
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot from " + source.name() + " broke: "
                    + e.getMessage());
        }
    }

    /** Source side of a seed: the snapshot, with its estimated size for progress. */
    public Seeder.Estimate snapshotEstimate() {
        return Seeder.estimate(admin);
    }

    public boolean physicalSnapshotPossible(Seeder.Estimate est) {
        return PhysicalSnapshot.possible(admin, est.databases());
    }

    public void snapshot(Seeder.Estimate est, boolean physical, OutputStream out) throws IOException {
        if (physical) {
            PhysicalSnapshot.write(node.config(), admin, est.databases(), out);
        } else {
            Seeder.snapshot(node.config(), admin, est.databases(), out);
        }
    }

    // ------------------------------------------------------------------ links (source side)

    /** A site that replicates from this one asks for its account: created here, returned once. */
    public Map<String, Object> grantLink(String replicaSite, String remoteAddress) {
        Member m = members.find(replicaSite).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN,
                "site " + replicaSite + " is not in this group"));
        String password = ReplicationAccounts.create(admin, m.name(), remoteAddress);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", siteName());
        out.put("node_host", nodeHost());
        out.put("node_port", id().dbPort());
        out.put("user", ReplicationAccounts.userFor(m.name()));
        out.put("password", password);
        out.put("gtid_current_pos", ReplicationChannels.currentPos(admin));
        return out;
    }

    // ------------------------------------------------------------------ reconcile

    /** Makes the node match the membership. Safe to call at any time; does nothing while a join runs. */
    public synchronized void reconcile() {
        if (busy) {
            return;
        }
        watchTenants();
        List<Member> all = members.all();
        lastKnown = all;
        refreshTrust(all);
        String me = siteName();
        Member mine = all.stream().filter(m -> m.name().equals(me)).findFirst().orElse(null);
        Member before = self;
        self = mine;
        if (mine == null) {
            if (!all.isEmpty() || !channels.states().isEmpty() || before != null) {
                becomeStandalone(all.isEmpty() ? "not in a group" : "removed from the group");
            }
            monitor.update(List.of(), Map.of());
            return;
        }
        if (!mine.active()) {
            return;
        }
        Optional<String> clash = IdentityClash.local(id(), mine, all);
        if (clash.isPresent()) {
            // A copy of a member: nothing it holds or writes may reach the others, nor theirs it.
            monitor.siteAlert(IDENTITY, Fault.CLONED_SITE, clash.get(), Fault.CLONED_SITE.fix(me, me), true);
            for (LinkState l : channels.states()) {
                LOG.warn("group: removing the link from {}: {}", l.channel(), clash.get());
                channels.remove(l.channel());
            }
            // Read-only as a report replica is, before it serves: a practice's own writes (a login's
            // trace in its security log) would otherwise carry the other member's identity and be
            // ignored there as its own, and the sites would part silently. Kept across a restart.
            applyNodeSettings(false, new KeySpacing(1, 1), 0);
            monitor.update(List.of(), Map.of());
            return;
        }
        monitor.clearSiteAlert(IDENTITY);
        try {
            linkAndConfigure(mine, all);
        } finally {
            Map<String, Boolean> others = new LinkedHashMap<>();
            all.stream().filter(m -> m.active() && !m.name().equals(me)).forEach(m -> others.put(m.name(), m.peer()));
            List<dev.cusp.replication.LinkState> states = channels.states();
            monitor.update(states, others, versions.holds());
            // After the monitor: a conflict is shown (and fenced) for a cycle before it is resolved.
            resolver.cycle(states);
        }
    }

    private void linkAndConfigure(Member mine, List<Member> all) {
        String me = mine.name();
        int capacity = Integer.parseInt(members.setting("capacity", Integer.toString(DEFAULT_CAPACITY)));
        // A site held by a fault of its own (ROLLED_BACK, ERRANT_GTID) keeps its key spacing but
        // its node is read-only until it is re-seeded.
        boolean writable = mine.peer() && !monitor.holdsWrites();
        KeySpacing keys = mine.peer() && mine.keyOffset() != null
                ? new KeySpacing(Math.max(capacity, mine.keyOffset()), mine.keyOffset()) : new KeySpacing(1, 1);
        Map<String, Member> wanted = new LinkedHashMap<>();
        for (Member src : sourcesOf(mine, all, members.setting("topology", MESH))) {
            wanted.put(src.name(), src);
        }
        Map<String, LinkState> have = new HashMap<>();
        for (LinkState l : channels.states()) {
            have.put(l.channel(), l);
        }
        for (String ch : have.keySet()) {
            if (!wanted.containsKey(ch)) {
                LOG.info("group: removing the link from {} (no longer a source of {})", ch, me);
                channels.remove(ch);
            }
        }
        // Before any new link: the appliers are chosen for every source this node will have, so
        // no moment has two channels applying with parallel workers (EmbeddedNode.PARALLEL_APPLIERS).
        applyNodeSettings(writable, keys, wanted.size());
        versions.recordSelf(mine);
        GtidPos mineNow = GtidPos.parse(ReplicationChannels.currentPos(admin));
        versions.retain(wanted.keySet());
        for (Member src : wanted.values()) {
            LinkState l = have.get(src.name());
            if (versions.check(src).isPresent() || watch.clones().contains(src.name())) {
                // Held: another Cusp version, or a clone of a member (CLONED_SITE, raised by the watch).
                if (l != null) {
                    channels.remove(src.name());
                }
                continue;
            }
            if (src.seedGtid() != null && !mineNow.covers(GtidPos.parse(src.seedGtid()))) {
                // The source's binary log starts at its seed position: replicating from it
                // before this node has reached that position would skip transactions.
                LOG.info("group: link from {} waits until this node reaches {}", src.name(), src.seedGtid());
                continue;
            }
            if (l == null) {
                link(src);
            } else if (mends.due(l)) {
                // Re-made from scratch: a new account at the source (a refused one is replaced), the
                // relay log dropped, and fetching again from the position this node has applied.
                LOG.info("group: re-making the link from {} after error {} ({})", src.name(), l.lastErrno(),
                        l.lastError());
                monitor.beforeMend(l);
                link(src);
            } else if ("No".equals(l.receiverState()) && ReplicationErrors.network(l.ioErrno())) {
                // MariaDB gives up on some failed reconnects (e.g. 2013 while the source restarts
                // behind a TCP hop) and leaves the receiver stopped for good: a network error is
                // never a reason to stop pulling, so start it again.
                LOG.info("group: restarting the receiver from {} after network error {} ({})", src.name(),
                        l.ioErrno(), l.lastError());
                channels.startReceiver(src.name());
            }
        }
        dropStaleAccounts(all);
    }

    /**
     * Tenants changed by replication (created, suspended, resumed, dropped at another site)
     * are forgotten by this site's caches and pools, as a local change would be.
     */
    private void watchTenants() {
        Map<String, String> now = new HashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, status, updated_at FROM cusp.tenant")) {
            while (rs.next()) {
                now.put(rs.getString(1), rs.getString(2) + "@" + rs.getString(3));
            }
        } catch (SQLException e) {
            return;
        }
        Map<String, String> before = tenantStamps;
        tenantStamps = now;
        if (before.isEmpty() && !now.isEmpty()) {
            return;
        }
        for (var e : before.entrySet()) {
            String after = now.get(e.getKey());
            if (after == null || !after.equals(e.getValue())) {
                boolean closed = after == null || !after.startsWith("active@");
                tenantChanged.accept(e.getKey(), closed);
            }
        }
    }

    /**
     * Which members this site replicates from. Mesh: every other active peer, so one site
     * offline holds back no one else. Ring: the peer before it in join order (the first from the
     * last), as the seed's daisy chain; a site down breaks the chain for everyone after it until
     * it returns. A replica: its upstream peer.
     */
    static List<Member> sourcesOf(Member me, List<Member> all, String topology) {
        List<Member> activePeers = all.stream().filter(m -> m.peer() && m.active()).toList();
        if (!me.peer()) {
            return activePeers.stream().filter(m -> m.name().equals(me.upstream())).toList();
        }
        List<Member> others = activePeers.stream().filter(m -> !m.name().equals(me.name())).toList();
        if (others.isEmpty() || !RING.equals(topology)) {
            return others;
        }
        int i = activePeers.indexOf(me);
        return List.of(activePeers.get((i - 1 + activePeers.size()) % activePeers.size()));
    }

    private void link(Member src) {
        try {
            JsonNode acc = peers.call(src, "POST", "/api/v1/peer/links", Map.of(), Duration.ofSeconds(10));
            channels.start(new ReplicationSource(src.name(), acc.path("node_host").asText(),
                    acc.path("node_port").asInt(), acc.path("user").asText(), acc.path("password").asText(),
                    peerCaFile(src)), id().gtidDomainId());
            LOG.info("group: replicating from {}", src.name());
        } catch (CuspException e) {
            LOG.info("group: cannot link from {} yet: {}", src.name(), e.getMessage());
        }
    }

    private void dropStaleAccounts(List<Member> all) {
        Set<String> keep = all.stream().map(m -> ReplicationAccounts.userFor(m.name())).collect(Collectors.toSet());
        try {
            Binlog.withoutBinlog(admin, c -> {
                List<String> drop = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.user WHERE user LIKE 'repl\\_%'")) {
                    while (rs.next()) {
                        if (!keep.contains(rs.getString(1))) {
                            drop.add("DROP USER IF EXISTS '" + rs.getString(1) + "'@'" + rs.getString(2) + "'");
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    for (String d : drop) {
                        s.execute(d);
                        LOG.info("group: {}", d);
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("group: cannot drop stale replication accounts: {}", e.getMessage());
        }
    }

    private void becomeStandalone(String why) {
        for (LinkState l : channels.states()) {
            channels.remove(l.channel());
        }
        try {
            Binlog.withoutBinlog(admin, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM cusp.site");
                    s.execute("DELETE FROM cusp.group_setting");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        applyNodeSettings(true, new KeySpacing(1, 1), 0);
        refreshTrust(List.of());
        self = null;
        LOG.info("group: this site is standalone ({})", why);
    }

    List<NodeSettings.Row> applyNodeSettings(boolean writable, KeySpacing keys, int sources) {
        return nodeKeeper.apply(writable, keys, id(), sources);
    }

    /** Changes the peers' topology; every site re-links within seconds. */
    public Map<String, Object> topology(String topology) {
        if (!MESH.equals(topology) && !RING.equals(topology)) {
            throw CuspException.invalid("topology", "topology must be 'mesh' or 'ring'");
        }
        requireWritable("change the topology");
        if (self == null) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not in a replication group; 'cusp invite"
                    + " --topology " + topology + "' founds one");
        }
        members.putSetting("topology", topology);
        reconcile();
        return Map.of("topology", topology);
    }

    /** Starts a re-seed at another site (it runs there); returns that site's job. */
    public Map<String, Object> remoteReseed(String site, String from, boolean discardLocal) {
        Member m = members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "no site '" + site + "' in this group", "site"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("discard_local", discardLocal);
        JsonNode job = peers.call(m, "POST", "/api/v1/peer/reseed", body, Duration.ofSeconds(30));
        Map<String, Object> out = JSON.convertValue(job, LinkedHashMap.class);
        out.put("site", site);
        return out;
    }

    /** A job running at another site of the group. */
    public Map<String, Object> remoteJob(String site, String jobId) {
        Member m = members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "no site '" + site + "' in this group", "site"));
        if (!jobId.matches("[0-9a-f-]{36}")) {
            throw CuspException.invalid("id", "not a job id");
        }
        JsonNode job = peers.call(m, "GET", "/api/v1/peer/jobs/" + jobId, null, Duration.ofSeconds(10));
        Map<String, Object> out = JSON.convertValue(job, LinkedHashMap.class);
        out.put("site", site);
        return out;
    }

    // ------------------------------------------------------------------ status and re-seed (own classes)

    /** This site's own replication state: what {@code /peer/status} returns to the others. */
    public Map<String, Object> localStatus() {
        return GroupStatus.local(this);
    }

    /** The whole group as this site sees it; see {@link GroupStatus#group}. */
    public Map<String, Object> status() {
        return GroupStatus.group(this);
    }

    /** Replaces this site's data with a fresh snapshot; see {@link Reseeding}. */
    public Map<String, Object> reseed(String from, boolean discardLocal, Job job) {
        return new Reseeding(this).run(from, discardLocal, job);
    }

    // ------------------------------------------------------------------ remove, leave

    /** Removes another site from the group; its links stop everywhere within seconds. */
    public Map<String, Object> remove(String name) {
        if (name.equals(siteName())) {
            throw CuspException.invalid("name", "to take this site out of its group, use 'cusp leave'");
        }
        requireWritable("remove sites");
        Member gone = members.find(name).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "no site '" + name + "' in this group; 'cusp site list' shows the sites", "name"));
        List<String> moved = new ArrayList<>();
        if (gone.peer()) {
            for (Member r : members.all()) {
                if (name.equals(r.upstream())) {
                    reassign(r.name(), siteName());
                    moved.add(r.name());
                }
            }
        }
        members.delete(name);
        try {
            peers.call(gone, "POST", "/api/v1/peer/removed", Map.of(), Duration.ofSeconds(5));
        } catch (CuspException e) {
            LOG.info("group: site {} did not hear of its removal ({}); it stops when it next replicates", name,
                    e.getMessage());
        }
        reconcile();
        LOG.info("group: removed site {}", name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("removed", name);
        out.put("replicas_moved_here", moved);
        return out;
    }

    private void reassign(String replica, String upstream) {
        try (Connection c = admin.getConnection(); var ps = c.prepareStatement(
                "UPDATE cusp.site SET upstream = ? WHERE name = ?")) {
            ps.setString(1, upstream);
            ps.setString(2, replica);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another site says it removed this one: stop replicating and stand alone, once that site,
     * asked at its recorded address, confirms it no longer lists this one. A stolen certificate
     * alone cannot detach a site: the real peer would still answer "member".
     */
    public synchronized void removedByPeer(String by) {
        Member sender = member(by).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN, "site " + by
                + " is not in this replication group"));
        JsonNode m;
        try {
            m = peers.call(sender, "GET", "/api/v1/peer/membership", null, Duration.ofSeconds(5));
        } catch (CuspException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "site " + by + " says it removed this site, but it"
                    + " cannot confirm at " + sender.url() + " (" + e.getMessage() + "); this site stays in the group");
        }
        if (m.path("member").asBoolean(true)) {
            LOG.warn("group: a caller with site {}'s certificate said this site was removed, but {} still lists it;"
                    + " staying in the group", by, by);
            throw new CuspException(ErrorCode.CONFLICT, "site " + by + " still lists " + siteName() + " as a member"
                    + " at " + sender.url() + "; the removal is not confirmed, so this site stays in the group");
        }
        LOG.info("group: site {} removed this site from the group", by);
        becomeStandalone("removed by " + by);
    }

    /** Takes this site out of its group: a peer records the departure, this site stands alone. */
    public Map<String, Object> leave() {
        Member me = self;
        if (me == null) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not in a replication group");
        }
        List<Member> others = members.all().stream().filter(m -> m.peer() && m.active()
                && !m.name().equals(siteName())).toList();
        String recordedBy = null;
        for (Member p : others) {
            try {
                peers.call(p, "POST", "/api/v1/peer/remove", Map.of("site", siteName()), Duration.ofSeconds(10));
                recordedBy = p.name();
                break;
            } catch (CuspException e) {
                LOG.info("group: {} could not record the departure: {}", p.name(), e.getMessage());
            }
        }
        if (recordedBy == null && !others.isEmpty()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "no other peer of the group answers, so none can record"
                    + " that this site leaves; try again when one is reachable, or remove this site from another"
                    + " site later with 'cusp site remove " + siteName() + "'");
        }
        synchronized (this) {
            becomeStandalone("left the group");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", siteName());
        out.put("left", true);
        out.put("recorded_by", recordedBy);
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A member by name, for the peer routes' caller check. Read from the last membership seen
     * while a seed replaces the control database (the job at the re-seeding site keeps being
     * asked about).
     */
    public Optional<Member> member(String name) {
        return known().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Holds the reconciler off while this site's data is replaced (join, re-seed). Taken under
     * the reconciler's own lock: a cycle already running (it may be half-way through making a
     * link) finishes first, and no later one touches the links until {@link #releaseReconciler}.
     */
    synchronized void holdReconciler() {
        busy = true;
    }

    void releaseReconciler() {
        busy = false;
    }

    /** True while this site's data is being replaced (join or re-seed). */
    public boolean seeding() {
        return busy;
    }

    List<Member> known() {
        if (busy) {
            return lastKnown;
        }
        try {
            lastKnown = members.all();
        } catch (IllegalStateException e) {
            LOG.debug("group: membership unreadable ({}), using the last seen", e.getMessage());
        }
        return lastKnown;
    }

    public Monitor monitor() {
        return monitor;
    }

    public PeerTrust trust() {
        return trust;
    }

    public Incarnations incarnations() {
        return incarnations;
    }

    void refreshTrust(List<Member> all) {
        Map<String, X509Certificate> cas = new HashMap<>();
        String me = siteName();
        for (Member m : all) {
            if (!m.name().equals(me)) {
                cas.put(m.name(), TlsContexts.parsePem(m.caPem()));
            }
        }
        trust.update(cas);
    }

    Path peerCaFile(Member m) {
        Path f = home.dir().resolve("tls/peers/" + m.name() + ".pem");
        FilePermissions.privateDir(f.getParent());
        FilePermissions.writePrivate(f, m.caPem());
        // MASTER_SSL_CA is read by the server, which may run as the db OS user: give it its copy.
        return node.serverCopy("peer-" + m.name(), f);
    }
}
