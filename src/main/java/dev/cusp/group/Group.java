package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.conflict.ConflictResolver;
import dev.cusp.job.Job;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.replication.Seeder;
import dev.cusp.secret.SecretBox;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.tenant.PracticeMigrations;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tls.PeerTrust;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.Hello;
import dev.cusp.wire.Invitation;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.JoinGrant;
import dev.cusp.wire.Joined;
import dev.cusp.wire.LinkGrant;
import dev.cusp.wire.PeerStatus;
import dev.cusp.wire.Reseeded;
import dev.cusp.wire.SiteLeft;
import dev.cusp.wire.SiteRemoved;
import dev.cusp.wire.TopologyChanged;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This site's place in a replication group, and the work of keeping it there: a facade that
 * wires the parts and answers the API.
 *
 * <p>Membership lives in the control database ({@link Members}) and replicates like any
 * other data, so every site knows the whole group; {@link Membership} is this site's standing
 * in it. The {@link Reconciler} runs every few seconds on every site and makes the node match
 * what the membership says. {@link Invitations} and {@link Admission} admit a site,
 * {@link Joining} joins one, {@link Reseeding} replaces this site's data from a
 * {@link Snapshots snapshot}, {@link Departures} take sites out; the reconciler does the
 * rest. The {@link Monitor}, the {@link PeerWatch}, the {@link DiskWatch} and the
 * {@link BinlogKeeper} watch, on their own threads ({@link GroupLoops}).
 */
public final class Group implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(Group.class);
    public static final int DEFAULT_CAPACITY = 5;
    public static final String MESH = Topology.MESH;
    public static final String RING = Topology.RING;

    private final Membership site;
    private final Monitor monitor;
    private final PeerTrust peerTrust;
    private final TenantClaims claims;
    private final Reconciler reconciler;
    private final Snapshots snapshots;
    private final Invitations invitations;
    private final Joining joining;
    private final Reseeding reseeding;
    private final Departures departures;
    private final RemoteJobs remote;
    private final GroupStatus status;
    private final GroupLoops loops;
    private final DocumentHooks documentHooks;
    private final Incarnations incarnations = new Incarnations();
    /** The peer client and the binary log keeper, reached by tests in this package. */
    final PeerClient peers;
    final BinlogKeeper binlogs;

    public Group(SiteHome home, Settings settings, DataSource admin, EmbeddedNode node, SecretBox secrets,
                 TenantPools pools, TenantRegistry tenants, PeerTrust trust, BiConsumer<String, Boolean> tenantChanged) {
        NodeKeeper nodeKeeper = new NodeKeeper(home, admin, node, pools);
        Members members = new Members(admin);
        Invites invites = new Invites(home.dir().resolve("site/invites.json"));
        ReplicationChannels channels = new ReplicationChannels(admin);
        String name = home.identity().siteName();
        this.peerTrust = trust;
        this.peers = new PeerClient(home.tls(), incarnations.mine());
        this.site = new Membership(home, members, settings.get(Settings.ADDRESS));
        this.documentHooks = new DocumentHooks(site);
        this.claims = new TenantClaims(site::self, members, peers, tenants);
        this.monitor = new Monitor(name, settings.get(Settings.MONITOR_LAG_SECONDS),
                settings.get(Settings.MONITOR_STUCK_SECONDS),
                "fence".equals(settings.get(Settings.MONITOR_FENCE)), settings.get(Settings.MONITOR_WEBHOOK));
        VersionGate versions = new VersionGate(peers, admin, site::version,
                PracticeMigrations.of(settings.get(Settings.PRACTICE_MIGRATIONS_EXTRA)).latest());
        ConflictResolver resolver = new ConflictResolver(admin, name,
                "auto".equals(settings.get(Settings.CONFLICTS_RESOLVE)),
                Boolean.parseBoolean(settings.get(Settings.CONFLICTS_DELETE_WINS)));
        GroupTrust groupTrust = new GroupTrust(trust, home, node);
        Clones clones = new Clones();
        this.reconciler = new Reconciler(site, admin, channels, peers, groupTrust, nodeKeeper, monitor, versions,
                resolver, new TenantWatch(admin, tenantChanged), clones);
        PeerWatch watch = new PeerWatch(site, monitor, peers, admin, home.dir().resolve("site/watch.json"),
                settings.get(Settings.MONITOR_CLOCK_SKEW_SECONDS), clones, reconciler::reconcile, incarnations);
        this.binlogs = new BinlogKeeper(site, admin, node.config(), peers, monitor,
                Duration.ofDays(settings.get(Settings.BINLOG_RETAIN_DAYS)),
                settings.get(Settings.BINLOG_RETAIN_MAX_MB) * 1048576L);
        DiskWatch disk = new DiskWatch(site, monitor, DiskWatch.siteFolders(node.config().dataDir(), home),
                settings.get(Settings.MONITOR_DISK_MIN_FREE_PERCENT), settings.get(Settings.MONITOR_DISK_MIN_FREE_MB));
        this.snapshots = new Snapshots(peers, node, admin, nodeKeeper, pools, tenants, tenantChanged,
                "sql".equals(settings.get(Settings.SEED_FORMAT)));
        this.invitations = new Invitations(site, invites, new Admission(site, invites, admin, secrets, groupTrust),
                reconciler, home.tls(), admin);
        this.joining = new Joining(site, tenants, reconciler, home, secrets, snapshots, groupTrust, channels, peers,
                documentHooks);
        this.reseeding = new Reseeding(site, peers, admin, home.backups(), node.config(), reconciler, channels,
                snapshots, documentHooks);
        this.departures = new Departures(site, peers, reconciler, admin);
        this.remote = new RemoteJobs(members, peers);
        this.status = new GroupStatus(site, admin, channels, peers, monitor, watch, versions, reconciler,
                documentHooks, incarnations);
        this.loops = new GroupLoops(reconciler, disk, watch, binlogs, site, groupTrust);
    }

    /** Reconciles once now (so a replica is read-only before it serves), then every 2 s. */
    public void start(String siteUrl) {
        site.url(siteUrl);
        loops.start();
    }

    @Override
    public void close() {
        loops.close();
    }

    /** This site's standing; the seam tests use to shift its clock or the version it claims. */
    Membership membership() {
        return site;
    }

    public String siteName() {
        return site.siteName();
    }

    /** True on a report replica: the API refuses writes. */
    public boolean readOnly() {
        return site.readOnly();
    }

    /** Where writes go when this site is a replica: its upstream peer's name and URL. */
    public String primaryHint() {
        return site.primaryHint();
    }

    /** Claims a new tenant's name and id at every peer before it is made (see {@link TenantClaims}). */
    public TenantClaims tenantClaims() {
        return claims;
    }

    /** Refuses an admin change on a replica, naming where to make it. */
    public void requireWritable(String what) {
        site.requireWritable(what);
    }

    /** An invitation to join (founding the group first if there is none); see {@link Invitations}. */
    public Invitation invite(String role, Duration validFor, String topology) {
        return invitations.invite(role, validFor, topology);
    }

    /** What this site tells a joining site about itself before anything else: public facts. */
    public Hello hello() {
        return invitations.hello();
    }

    /** Admits a joining site that showed a valid one-time secret; see {@link Admission}. */
    public JoinGrant accept(JsonNode req, String remoteAddress, X509Certificate clientCert) {
        return invitations.accept(req, remoteAddress, clientCert);
    }

    /**
     * True when this site admitted {@code site} with a certificate of this SHA-256: a joining
     * site is answered only here, and only with the certificate it joined with.
     */
    public boolean joinPinned(String site, String certSha256) {
        return invitations.joinPinned(site, certSha256);
    }

    /** The joining site has loaded its seed and replicates: it becomes active everywhere. */
    public void complete(String site, String seedGtid) {
        invitations.complete(site, seedGtid);
    }

    /** This site joins the group that issued the token; see {@link Joining}. */
    public Joined join(String tokenText, boolean force, Job job) {
        return joining.run(tokenText, force, job);
    }

    /** Source side of a seed: the snapshot, with its estimated size for progress. */
    public Seeder.Estimate snapshotEstimate() {
        return snapshots.estimate();
    }

    public boolean physicalSnapshotPossible(Seeder.Estimate est) {
        return snapshots.physicalPossible(est);
    }

    public void snapshot(Seeder.Estimate est, boolean physical, OutputStream out) throws IOException {
        snapshots.write(est, physical, out);
    }

    /** A site that replicates from this one asks for its account: created here, returned once. */
    public LinkGrant grantLink(String replicaSite, String remoteAddress) {
        return invitations.grantLink(replicaSite, remoteAddress);
    }

    /** Makes the node match the membership; see {@link Reconciler}. */
    public void reconcile() {
        reconciler.reconcile();
    }

    /** Changes the peers' topology; every site re-links within seconds. */
    public TopologyChanged topology(String topology) {
        return invitations.topology(topology);
    }

    /** Starts a re-seed at another site (it runs there); returns that site's job. */
    public JobStatus remoteReseed(String site, String from, boolean discardLocal) {
        return remote.reseed(site, from, discardLocal);
    }

    /** A job running at another site of the group. */
    public JobStatus remoteJob(String site, String jobId) {
        return remote.job(site, jobId);
    }

    /** This site's own replication state: what {@code /peer/status} returns to the others. */
    public PeerStatus localStatus() {
        return status.local();
    }

    /** The whole group as this site sees it; see {@link GroupStatus#group}. */
    public GroupView status() {
        return status.group();
    }

    /** Replaces this site's data with a fresh snapshot; see {@link Reseeding}. */
    public Reseeded reseed(String from, boolean discardLocal, Job job) {
        return reseeding.run(from, discardLocal, job);
    }

    /** Removes another site from the group; its links stop everywhere within seconds. */
    public SiteRemoved remove(String name) {
        return departures.remove(name);
    }

    /** Another site says it removed this one; see {@link Departures#removedByPeer}. */
    public void removedByPeer(String by) {
        departures.removedByPeer(by);
    }

    /** Takes this site out of its group: a peer records the departure, this site stands alone. */
    public SiteLeft leave() {
        return departures.leave();
    }

    /**
     * A member by name, for the peer routes' caller check. Read from the last membership seen
     * while a seed replaces the control database (the job at the re-seeding site keeps being
     * asked about).
     */
    public Optional<Member> member(String name) {
        return site.member(name);
    }

    /** True while this site's data is being replaced (join or re-seed). */
    public boolean seeding() {
        return site.seeding();
    }

    public Monitor monitor() {
        return monitor;
    }

    public PeerTrust trust() {
        return peerTrust;
    }

    /** The hooks by which document replication joins in (after a seed, and in the status). */
    public DocumentHooks documents() {
        return documentHooks;
    }

    /** This process's incarnation id and the ones heard from peers: a full copy of a site ({@link FullCopies}). */
    public Incarnations incarnations() {
        return incarnations;
    }

    /** Records a member's own new address at its request (a report replica's; see {@link UrlMoves}). */
    public Object moveMember(Member caller, String name, String url, String nodeHost, int nodePort) {
        return new UrlMoves(site, peers).move(caller, name, url, nodeHost, nodePort);
    }
}
