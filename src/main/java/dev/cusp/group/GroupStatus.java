package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.site.SiteIdentity;
import dev.cusp.wire.PeerLink;
import dev.cusp.wire.PeerStatus;
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
     * sites are asked over mutual TLS; one that does not answer is shown unreachable.
     */
    Map<String, Object> group() {
        List<Member> all = site.known();
        Map<String, Object> out = new LinkedHashMap<>();
        if (all.isEmpty()) {
            out.put("state", "standalone");
            out.put("sites", List.of());
            return out;
        }
        out.put("topology", site.topology());
        out.put("capacity", site.capacity());
        String firstPeer = all.stream().filter(m -> m.peer() && m.active()).map(Member::name).findFirst().orElse(null);
        out.put("update_site", site.members().setting("update_site", firstPeer));
        Map<String, JsonNode> live = new LinkedHashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (Member m : all) {
            if (m.name().equals(site.siteName())) {
                live.put(m.name(), dev.cusp.base.JsonMapping.MAPPER.valueToTree(local()));
                continue;
            }
            try {
                live.put(m.name(), peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(3)));
            } catch (CuspException e) {
                errors.put(m.name(), e.getMessage());
            }
        }
        List<Map<String, Object>> sites = new ArrayList<>();
        for (Member m : all) {
            Map<String, Object> e = GroupJson.describe(m);
            e.remove("ca_pem");
            JsonNode st = live.get(m.name());
            e.put("reachable", st != null);
            if (st == null) {
                e.put("error", errors.get(m.name()));
                sites.add(e);
                continue;
            }
            GtidPos here = GtidPos.parse(st.path("gtid_current_pos").asText(""));
            e.put("gtid_current_pos", here.toString());
            e.put("read_only", st.path("read_only").asBoolean());
            // What the site runs now; the recorded version may lag (a replica does not write its row).
            e.put("version", st.path("version").asText(m.version()));
            e.put("health", st.path("health").asText(null));
            e.put("fenced", st.path("fenced").isNull() ? null : st.path("fenced").asText(null));
            e.put("deletion_guard", st.path("deletion_guard").isNull() ? null : st.path("deletion_guard").asText(null));
            e.put("alerts", st.path("alerts"));
            // This site's estimate of that site's clock (CLOCK_SKEW when beyond monitor.clock.skew.seconds).
            e.put("clock_offset_seconds", watch.clockOffsets().get(m.name()));
            e.put("version_holds", st.path("version_holds"));
            e.put("documents", st.path("documents").isMissingNode() ? null : st.path("documents"));
            List<Map<String, Object>> links = new ArrayList<>();
            for (JsonNode l : st.path("links")) {
                Map<String, Object> lm = dev.cusp.base.JsonMapping.MAPPER.convertValue(l, LinkedHashMap.class);
                JsonNode src = live.get(l.path("channel").asText());
                if (src != null) {
                    GtidPos there = GtidPos.parse(src.path("gtid_current_pos").asText(""));
                    Map<Long, Long> seq = new HashMap<>(there.seqByDomain());
                    seq.remove(st.path("gtid_domain_id").asLong());
                    lm.put("transactions_behind", here.behind(new GtidPos(seq, there.serverByDomain())));
                } else {
                    lm.put("transactions_behind", null);
                }
                links.add(lm);
            }
            e.put("links", links);
            sites.add(e);
        }
        out.put("sites", sites);
        return out;
    }
}
