package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.replication.GtidPos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code cusp status} and the admin API show of the group, and what a site tells its peers. */
final class GroupStatus {
    private GroupStatus() {
    }

    /** This site's own replication state: what {@code /peer/status} returns to the others. */
    static Map<String, Object> local(Group g) {
        Map<String, Object> m = new LinkedHashMap<>();
        // First: a peer estimates the offset of this clock from the middle of its round trip.
        m.put("clock_ms", g.clock().millis());
        m.put("site", g.siteName());
        Member me = g.self;
        m.put("role", me == null ? "standalone" : me.role());
        m.put("version", g.version());
        m.put("server_id", g.id().serverId());
        m.put("gtid_domain_id", g.id().gtidDomainId());
        m.put("seed_gtid", me == null ? null : me.seedGtid());
        m.put("seeding", g.seeding());
        NodePositions p = NodePositions.read(g.admin);
        m.put("gtid_current_pos", p.current());
        m.put("gtid_binlog_pos", p.binlog());
        m.put("clock_offsets", g.watch.clockOffsets());
        m.put("read_only", g.readOnly());
        Map<String, Monitor.Link> health = g.monitor.links();
        m.put("health", g.monitor.siteHealth().label());
        m.put("links", g.channels.states().stream().map(l -> {
            Map<String, Object> d = GroupJson.describe(l);
            Monitor.Link h = health.get(l.channel());
            d.put("state", h == null ? "unknown" : h.health().label());
            d.put("state_since", h == null ? null : h.since().toString());
            d.put("detail", h == null ? null : h.detail());
            d.put("code", h == null ? null : h.code());
            d.put("explanation", h == null || h.fault() == null ? null : h.fault().explanation(g.siteName(),
                    l.channel()));
            d.put("fix", h == null || h.fault() == null ? null : h.fault().fix(g.siteName(), l.channel()));
            return d;
        }).toList());
        HeldLinks.addTo(m, health, g.siteName());
        m.put("fenced", g.monitor.fenced().orElse(null));
        m.put("deletion_guard", g.monitor.deletionGuard().orElse(null));
        m.put("alerts", g.monitor.alerts(false));
        m.put("reconcile_error", g.lastReconcileError);
        m.put("version_holds", g.versions.holds());
        m.put("copies", g.incarnations.copies(g.siteName()));
        return m;
    }

    /**
     * The whole group as this site sees it: every site with its role, and every link with
     * receiver and applier state, positions and lag in seconds and in transactions. Other
     * sites are asked over mutual TLS; one that does not answer is shown unreachable.
     */
    static Map<String, Object> group(Group g) {
        List<Member> all = g.known();
        Map<String, Object> out = new LinkedHashMap<>();
        if (all.isEmpty()) {
            out.put("state", "standalone");
            out.put("sites", List.of());
            return out;
        }
        out.put("topology", g.members.setting("topology", Group.MESH));
        out.put("capacity", Integer.parseInt(g.members.setting("capacity", Integer.toString(Group.DEFAULT_CAPACITY))));
        String firstPeer = all.stream().filter(m -> m.peer() && m.active()).map(Member::name).findFirst().orElse(null);
        out.put("update_site", g.members.setting("update_site", firstPeer));
        Map<String, JsonNode> live = new LinkedHashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (Member m : all) {
            if (m.name().equals(g.siteName())) {
                live.put(m.name(), Group.JSON.valueToTree(local(g)));
                continue;
            }
            try {
                live.put(m.name(), g.peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(3)));
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
            e.put("clock_offset_seconds", g.watch.clockOffsets().get(m.name()));
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
