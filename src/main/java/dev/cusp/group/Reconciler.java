package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import dev.cusp.conflict.ConflictResolver;
import dev.cusp.error.CuspException;
import dev.cusp.node.Binlog;
import dev.cusp.node.MariaDbErrors;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.KeySpacing;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.NodeSettings;
import dev.cusp.replication.ReplicationAccounts;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.replication.ReplicationSource;
import dev.cusp.wire.LinkGrant;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Makes the node match what the membership says, every few seconds on every site: trusted
 * peer CAs, key spacing, read-only for report replicas, and one replication channel per source
 * the topology calls for (asking each source, over mutual TLS, for an account of its own). It
 * repairs a channel that broke because its source was re-seeded or refused its account, and
 * hands the links' states to the {@link Monitor} and then to the conflict resolver.
 *
 * <p>Its lock is the group's: a join, a re-seed, an admission and a departure take it, so no
 * cycle touches the links while they change the membership or the data.
 */
final class Reconciler {
    /** The alert key of this site's own identity clash (CLONED_SITE found by the reconciler). */
    static final String IDENTITY = "identity";

    private final Membership site;
    private final DataSource admin;
    private final ReplicationChannels channels;
    private final PeerClient peers;
    private final GroupTrust trust;
    private final NodeKeeper nodeKeeper;
    private final Monitor monitor;
    private final VersionGate versions;
    private final ConflictResolver resolver;
    private final TenantWatch tenants;
    private final Clones clones;
    private final LinkMends mends = new LinkMends();
    /** A replica that moved is told once, not every cycle. */
    private final java.util.concurrent.atomic.AtomicBoolean movedLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<String> moveRefused = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile String lastError;

    Reconciler(Membership site, DataSource admin, ReplicationChannels channels, PeerClient peers, GroupTrust trust,
               NodeKeeper nodeKeeper, Monitor monitor, VersionGate versions, ConflictResolver resolver,
               TenantWatch tenants, Clones clones) {
        this.site = site;
        this.admin = admin;
        this.channels = channels;
        this.peers = peers;
        this.trust = trust;
        this.nodeKeeper = nodeKeeper;
        this.monitor = monitor;
        this.versions = versions;
        this.resolver = resolver;
        this.tenants = tenants;
        this.clones = clones;
    }

    /** The last scheduled cycle's failure, null when it ran cleanly. */
    String lastError() {
        return lastError;
    }

    /** One scheduled cycle: its failure is logged and kept for the status answer, never thrown. */
    void cycle() {
        try {
            reconcile();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            Group.LOG.warn("group: reconcile failed: {}", e.getMessage());
        }
    }

    /** Runs {@code work} under the reconciler's lock: no cycle runs meanwhile. */
    synchronized <T> T locked(Supplier<T> work) {
        return work.get();
    }

    /**
     * Holds the reconciler off while this site's data is replaced (join, re-seed). Taken under
     * the reconciler's own lock: a cycle already running (it may be half-way through making a
     * link) finishes first, and no later one touches the links until {@link #release}.
     */
    synchronized void hold() {
        site.seeding(true);
    }

    void release() {
        site.seeding(false);
    }

    /** Makes the node match the membership. Safe to call at any time; does nothing while a join runs. */
    synchronized void reconcile() {
        if (site.seeding()) {
            return;
        }
        tenants.look();
        List<Member> all = site.members().all();
        site.saw(all);
        trust.refresh(all);
        String me = site.siteName();
        Member mine = all.stream().filter(m -> m.name().equals(me)).findFirst().orElse(null);
        Member before = site.self();
        site.self(mine);
        if (mine == null) {
            if (!all.isEmpty() || !channels.states().isEmpty() || before != null) {
                standalone(all.isEmpty() ? "not in a group" : "removed from the group");
            }
            monitor.update(List.of(), Map.of());
            return;
        }
        if (!mine.active()) {
            return;
        }
        Optional<String> clash = IdentityClash.local(site.id(), mine, all);
        if (clash.isPresent()) {
            // A copy of a member: nothing it holds or writes may reach the others, nor theirs it.
            monitor.siteAlert(IDENTITY, Fault.CLONED_SITE, clash.get(), Fault.CLONED_SITE.fix(me, me), true);
            for (LinkState l : channels.states()) {
                Group.LOG.warn("group: removing the link from {}: {}", l.channel(), clash.get());
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
        followOwnUrl(mine, all);
        try {
            linkAndConfigure(mine, all);
        } finally {
            Map<String, Boolean> others = new LinkedHashMap<>();
            all.stream().filter(m -> m.active() && !m.name().equals(me)).forEach(m -> others.put(m.name(), m.peer()));
            List<LinkState> states = channels.states();
            monitor.update(states, others, versions.holds());
            // After the monitor: a conflict is shown (and fenced) for a cycle before it is resolved.
            resolver.cycle(states);
        }
    }

    private void linkAndConfigure(Member mine, List<Member> all) {
        String me = mine.name();
        int capacity = site.capacity();
        // A site held by a fault of its own (ROLLED_BACK, ERRANT_GTID) keeps its key spacing but
        // its node is read-only until it is re-seeded.
        boolean writable = mine.peer() && !monitor.holdsWrites();
        KeySpacing keys = mine.peer() && mine.keyOffset() != null
                ? new KeySpacing(Math.max(capacity, mine.keyOffset()), mine.keyOffset()) : new KeySpacing(1, 1);
        Map<String, Member> wanted = new LinkedHashMap<>();
        for (Member src : Topology.sourcesOf(mine, all, site.topology())) {
            wanted.put(src.name(), src);
        }
        Map<String, LinkState> have = new HashMap<>();
        for (LinkState l : channels.states()) {
            have.put(l.channel(), l);
        }
        for (String ch : have.keySet()) {
            if (!wanted.containsKey(ch)) {
                Group.LOG.info("group: removing the link from {} (no longer a source of {})", ch, me);
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
            if (versions.check(src).isPresent() || clones.names().contains(src.name())) {
                // Held: another Cusp version, or a clone of a member (CLONED_SITE, raised by the watch).
                if (l != null) {
                    channels.remove(src.name());
                }
                continue;
            }
            if (src.seedGtid() != null && !mineNow.covers(GtidPos.parse(src.seedGtid()))) {
                // The source's binary log starts at its seed position: replicating from it
                // before this node has reached that position would skip transactions.
                Group.LOG.info("group: link from {} waits until this node reaches {}", src.name(), src.seedGtid());
                continue;
            }
            if (l == null) {
                link(src);
            } else if (mends.due(l)) {
                // Re-made from scratch: a new account at the source (a refused one is replaced), the
                // relay log dropped, and fetching again from the position this node has applied.
                Group.LOG.info("group: re-making the link from {} after error {} ({})", src.name(), l.lastErrno(),
                        l.lastError());
                monitor.beforeMend(l);
                link(src);
            } else if ("No".equals(l.receiverState()) && MariaDbErrors.network(l.ioErrno())) {
                // MariaDB gives up on some failed reconnects (e.g. 2013 while the source restarts
                // behind a TCP hop) and leaves the receiver stopped for good: a network error is
                // never a reason to stop pulling, so start it again.
                Group.LOG.info("group: restarting the receiver from {} after network error {} ({})", src.name(),
                        l.ioErrno(), l.lastError());
                channels.startReceiver(src.name());
            }
        }
        dropStaleAccounts(all);
    }

    /**
     * Keeps this site's row pointing where it serves: restarted on another port or address, its
     * peers would go on calling the old URL and never reach it over HTTPS (no peer calls, no
     * revocation list). Only a peer writes here: a report replica's node is read-only and no
     * site replicates from it, so it asks its upstream to write its row ({@link UrlMoves}),
     * which replicates back to it. A clone never gets here (IdentityClash above): it must not
     * move the member it copies. The node's host and port go along (shown in the group status).
     */
    private void followOwnUrl(Member mine, List<Member> all) {
        String now = site.url();
        if (now == null || now.equals(mine.url()) && site.nodeHost().equals(mine.nodeHost())
                && site.id().dbPort() == mine.nodePort()) {
            return;
        }
        if (clones.names().contains(mine.name())) {
            // Two copies of this site would take the row from each other: neither moves it.
            return;
        }
        if (!mine.peer()) {
            askUpstream(mine, all, now);
            return;
        }
        try {
            site.members().moveAddress(mine.name(), now, site.nodeHost(), site.id().dbPort());
            moveRefused.set(null);
            Group.LOG.info("group: this site now serves at {} (the group knew it at {}); its row is updated", now,
                    mine.url());
        } catch (IllegalStateException e) {
            // Tried again every cycle; told once per reason (a node held read-only refuses it each time).
            if (!e.getMessage().equals(moveRefused.getAndSet(e.getMessage()))) {
                Group.LOG.warn("group: cannot record this site's new address {}: {}", now, e.getMessage());
            }
        }
    }

    /** A replica's move, recorded by its upstream; asked every cycle until the row comes back moved. */
    private void askUpstream(Member mine, List<Member> all, String now) {
        Optional<Member> up = all.stream().filter(m -> m.name().equals(mine.upstream()) && m.active()).findFirst();
        try {
            if (up.isEmpty()) {
                throw new IllegalStateException("its upstream " + mine.upstream() + " is not an active member");
            }
            peers.call(up.get(), "POST", UrlMoves.PATH, UrlMoves.request(site), Duration.ofSeconds(20));
            moveRefused.set(null);
            if (movedLogged.compareAndSet(false, true)) {
                Group.LOG.info("group: this report replica now serves at {} (the group knew it at {}); {} updated its"
                        + " row", now, mine.url(), up.get().name());
            }
        } catch (CuspException | IllegalStateException e) {
            // Tried again every cycle; told once per reason (the upstream down, or refusing).
            if (!e.getMessage().equals(moveRefused.getAndSet(e.getMessage()))) {
                Group.LOG.warn("group: cannot have this report replica's new address {} recorded: {}", now,
                        e.getMessage());
            }
        }
    }

    private void link(Member src) {
        try {
            LinkGrant acc = JsonMapping.read(peers.call(src, "POST", "/api/v1/peer/links", Map.of(),
                    Duration.ofSeconds(10)), LinkGrant.class);
            channels.start(new ReplicationSource(src.name(), acc.nodeHost(), acc.nodePort(), acc.user(), acc.password(),
                    trust.caFile(src)), site.id().gtidDomainId());
            Group.LOG.info("group: replicating from {}", src.name());
        } catch (CuspException | IllegalArgumentException e) {
            Group.LOG.info("group: cannot link from {} yet: {}", src.name(), e.getMessage());
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
                        Group.LOG.info("group: {}", d);
                    }
                }
                // DROP USER leaves the account's open sessions running: a removed site's replica
                // would go on receiving every change. End them (after the drop: no reconnecting).
                List<Long> sessions = new ArrayList<>();
                List<String> whose = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT id, user FROM information_schema.processlist WHERE user LIKE 'repl\\_%'")) {
                    while (rs.next()) {
                        if (!keep.contains(rs.getString(2))) {
                            sessions.add(rs.getLong(1));
                            whose.add(rs.getString(2));
                        }
                    }
                }
                for (int i = 0; i < sessions.size(); i++) {
                    try (Statement s = c.createStatement()) {
                        s.execute("KILL CONNECTION " + sessions.get(i));
                        Group.LOG.info("group: ended session {} of {}, no longer a member's account", sessions.get(i),
                                whose.get(i));
                    } catch (SQLException gone) {
                        // Ended meanwhile (1094: unknown thread).
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            Group.LOG.warn("group: cannot drop stale replication accounts: {}", e.getMessage());
        }
    }

    /** Stops every link, forgets the membership and stands alone: writable, no key spacing. */
    synchronized void standalone(String why) {
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
        trust.refresh(List.of());
        site.self(null);
        Group.LOG.info("group: this site is standalone ({})", why);
    }

    /** Sets the node's writability, key spacing and appliers for {@code sources} links. */
    List<NodeSettings.Row> applyNodeSettings(boolean writable, KeySpacing keys, int sources) {
        return nodeKeeper.apply(writable, keys, site.id(), sources);
    }
}
