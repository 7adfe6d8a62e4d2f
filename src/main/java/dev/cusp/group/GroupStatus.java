package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.site.SiteIdentity;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.PeerLink;
import dev.cusp.wire.PeerStatus;
import dev.cusp.wire.SiteView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** What {@code cusp status} and the admin API show of the group, and what a site tells its peers. */
final class GroupStatus {
    private final Membership site;
    private final DataSource admin;
    private final ReplicationChannels channels;
    private final PeerClient peers;
    private final Monitor monitor;
    private final PeerWatch watch;
    private final VersionGate versions;
    private final Reconciler reconciler;
    private final DocumentHooks documents;
    private final Incarnations incarnations;

    GroupStatus(Membership site, DataSource admin, ReplicationChannels channels, PeerClient peers, Monitor monitor,
                PeerWatch watch, VersionGate versions, Reconciler reconciler, DocumentHooks documents, Incarnations incarnations) {
        this.site = site;
        this.admin = admin;
        this.channels = channels;
        this.peers = peers;
        this.monitor = monitor;
        this.watch = watch;
        this.versions = versions;
        this.reconciler = reconciler;
        this.documents = documents;
        this.incarnations = incarnations;
    }

    /** This site's own replication state: what {@code /peer/status} returns to the others. */
    PeerStatus local() {
        // First: a peer estimates the offset of this clock from the middle of its round trip.
        long clockMs = site.clock().millis();
        Member me = site.self();
        SiteIdentity id = site.id();
        NodePositions p = NodePositions.read(admin);
        Map<String, Monitor.Link> health = monitor.links();
        String siteHealth = monitor.siteHealth().label();
        List<PeerLink> links = HeldLinks.with(channels.states().stream().map(l -> link(l, health.get(l.channel())))
                .toList(), health, site.siteName());
        return new PeerStatus(clockMs, site.siteName(), me == null ? "standalone" : me.role(), site.version(),
                id.serverId(), id.gtidDomainId(), me == null ? null : me.seedGtid(), site.seeding(), p.current(),
                p.binlog(), watch.clockOffsets(), site.readOnly(), siteHealth, links, monitor.fenced().orElse(null),
                monitor.deletionGuard().orElse(null), monitor.alerts(false), reconciler.lastError(), versions.holds(),
                documents.status(), incarnations.copies(site.siteName()));
    }

    /** A link as MariaDB shows it, with the monitor's verdict ({@code h}: null before its first look). */
    private PeerLink link(LinkState l, Monitor.Link h) {
        Fault f = h == null ? null : h.fault();
        return new PeerLink(l.channel(), l.sourceHost(), l.sourcePort(), l.receiverRunning() ? PeerLink.RUNNING
                : "stopped", l.applierRunning() ? PeerLink.RUNNING : "stopped", l.secondsBehind(), l.gtidIoPos(),
                l.gtidSlavePos(), l.lastErrno(), l.lastError() == null || l.lastError().isEmpty() ? null
                : l.lastError(), h == null ? "unknown" : h.health().label(), h == null ? null : h.since().toString(),
                h == null ? null : h.detail(), h == null ? null : h.code(),
                f == null ? null : f.explanation(site.siteName(), l.channel()),
                f == null ? null : f.fix(site.siteName(), l.channel()));
    }

    /**
     * The whole group as this site sees it: every site with its role, and every link with
     * receiver and applier state, positions and lag in seconds and in transactions. Other
     * sites are asked over mutual TLS; one that does not answer, or answers what is not a
     * status, is shown unreachable with the reason.
     */
    GroupView group() {
        List<Member> all = site.known();
        if (all.isEmpty()) {
            return new GroupView("standalone", null, null, null, List.of());
        }
        String firstPeer = all.stream().filter(m -> m.peer() && m.active()).map(Member::name).findFirst().orElse(null);
        Map<String, PeerStatus> live = new LinkedHashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (Member m : all) {
            if (m.name().equals(site.siteName())) {
                live.put(m.name(), local());
                continue;
            }
            try {
                live.put(m.name(), JsonMapping.read(peers.call(m, "GET", "/api/v1/peer/status", null,
                        Duration.ofSeconds(3)), PeerStatus.class));
            } catch (CuspException e) {
                errors.put(m.name(), e.getMessage());
            } catch (IllegalArgumentException e) {
                errors.put(m.name(), "site " + m.name() + " answered its status in a form this site cannot read ("
                        + e.getMessage() + "); is it running another version of Cusp?");
            }
        }
        List<SiteView> sites = new ArrayList<>();
        for (Member m : all) {
            PeerStatus st = live.get(m.name());
            sites.add(st == null ? unreachable(m, errors.get(m.name())) : reachable(m, st, live));
        }
        return new GroupView(null, site.topology(), site.capacity(), site.members().setting("update_site", firstPeer),
                sites);
    }

    private static SiteView unreachable(Member m, String error) {
        return new SiteView(m.name(), m.role(), m.state(), m.url(), m.nodeHost(), m.nodePort(), m.serverId(),
                m.gtidDomainId(), m.keyOffset(), m.upstream(), m.seedGtid(), m.joinSeq(), m.version(), false, error,
                null, null, null, null, null, null, null, null, null, null);
    }

    private SiteView reachable(Member m, PeerStatus st, Map<String, PeerStatus> live) {
        GtidPos here = GtidPos.parse(st.gtidCurrentPos() == null ? "" : st.gtidCurrentPos());
        List<SiteView.Link> links = new ArrayList<>();
        for (PeerLink l : st.links()) {
            PeerStatus src = live.get(l.channel());
            Long behind = null;
            if (src != null) {
                GtidPos there = GtidPos.parse(src.gtidCurrentPos() == null ? "" : src.gtidCurrentPos());
                Map<Long, Long> seq = new HashMap<>(there.seqByDomain());
                seq.remove(st.gtidDomainId());
                behind = here.behind(new GtidPos(seq, there.serverByDomain()));
            }
            links.add(SiteView.Link.of(l, behind));
        }
        // What the site runs now; the recorded version may lag (a replica does not write its row).
        // The clock offset is this site's estimate of that site's (CLOCK_SKEW beyond monitor.clock.skew.seconds).
        return new SiteView(m.name(), m.role(), m.state(), m.url(), m.nodeHost(), m.nodePort(), m.serverId(),
                m.gtidDomainId(), m.keyOffset(), m.upstream(), m.seedGtid(), m.joinSeq(),
                st.version() == null ? m.version() : st.version(), true, null, here.toString(), st.readOnly(),
                st.health(), st.fenced(), st.deletionGuard(), st.alerts(), watch.clockOffsets().get(m.name()),
                st.versionHolds(), st.documents(), links);
    }
}
