package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.ReplicationChannels;
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

    GroupStatus(Membership site, DataSource admin, ReplicationChannels channels, PeerClient peers, Monitor monitor,
                PeerWatch watch, VersionGate versions, Reconciler reconciler) {
        this.site = site;
        this.admin = admin;
        this.channels = channels;
        this.peers = peers;
        this.monitor = monitor;
        this.watch = watch;
        this.versions = versions;
        this.reconciler = reconciler;
    }

    /** This site's own replication state: what {@code /peer/status} returns to the others. */
    Map<String, Object> local() {
        Map<String, Object> m = new LinkedHashMap<>();
        // First: a peer estimates the offset of this clock from the middle of its round trip.
        m.put("clock_ms", site.clock().millis());
        m.put("site", site.siteName());
        Member me = site.self();
        m.put("role", me == null ? "standalone" : me.role());
        m.put("version", site.version());
        m.put("server_id", site.id().serverId());
        m.put("gtid_domain_id", site.id().gtidDomainId());
        m.put("seed_gtid", me == null ? null : me.seedGtid());
        m.put("seeding", site.seeding());
        NodePositions p = NodePositions.read(admin);
        m.put("gtid_current_pos", p.current());
        m.put("gtid_binlog_pos", p.binlog());
        m.put("clock_offsets", watch.clockOffsets());
        m.put("read_only", site.readOnly());
        Map<String, Monitor.Link> health = monitor.links();
        m.put("health", monitor.siteHealth().label());
        m.put("links", channels.states().stream().map(l -> {
            Map<String, Object> d = GroupJson.describe(l);
            Monitor.Link h = health.get(l.channel());
            d.put("state", h == null ? "unknown" : h.health().label());
            d.put("state_since", h == null ? null : h.since().toString());
            d.put("detail", h == null ? null : h.detail());
            d.put("code", h == null ? null : h.code());
            d.put("explanation", h == null || h.fault() == null ? null : h.fault().explanation(site.siteName(),
                    l.channel()));
            d.put("fix", h == null || h.fault() == null ? null : h.fault().fix(site.siteName(), l.channel()));
            return d;
        }).toList());
        m.put("fenced", monitor.fenced().orElse(null));
        m.put("deletion_guard", monitor.deletionGuard().orElse(null));
        m.put("alerts", monitor.alerts(false));
        m.put("reconcile_error", reconciler.lastError());
        m.put("version_holds", versions.holds());
        return m;
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
                live.put(m.name(), Group.JSON.valueToTree(local()));
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
            List<Map<String, Object>> links = new ArrayList<>();
            for (JsonNode l : st.path("links")) {
                Map<String, Object> lm = Group.JSON.convertValue(l, LinkedHashMap.class);
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
