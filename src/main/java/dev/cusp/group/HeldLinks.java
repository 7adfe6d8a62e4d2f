package dev.cusp.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Links the monitor shows that have no replication channel: held on purpose (VERSION_MISMATCH,
 * a source running another Cusp version). The channel is removed while held, so a list made
 * from the node's channels alone would leave the link out and {@code cusp status} would show a
 * site replicating from no one with no reason; listed here with their code, explanation and
 * fix, receiver and applier "held". Check and repair read the same list from a peer's status
 * and count a held link as one not running, which it is.
 */
final class HeldLinks {
    static final String HELD = "held";

    private HeldLinks() {
    }

    /** Appends to {@code status}'s "links" one entry per link the monitor has and the channels lack. */
    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> status, Map<String, Monitor.Link> health, String site) {
        List<Map<String, Object>> links = new ArrayList<>((List<Map<String, Object>>) status.get("links"));
        Set<String> channels = links.stream().map(l -> (String) l.get("channel")).collect(Collectors.toSet());
        for (Monitor.Link h : health.values()) {
            if (!channels.contains(h.source()) && h.fault() != null) {
                links.add(describe(h, site));
            }
        }
        status.put("links", links);
    }

    /** The same fields as a channel's entry (GroupJson.describe and GroupStatus.local), positions unknown. */
    static Map<String, Object> describe(Monitor.Link h, String site) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("channel", h.source());
        d.put("source_host", null);
        d.put("source_port", null);
        d.put("receiver", HELD);
        d.put("applier", HELD);
        d.put("seconds_behind", null);
        d.put("gtid_io_pos", null);
        d.put("gtid_slave_pos", null);
        d.put("last_errno", 0);
        d.put("last_error", null);
        d.put("state", h.health().label());
        d.put("state_since", h.since().toString());
        d.put("detail", h.detail());
        d.put("code", h.code());
        d.put("explanation", h.fault().explanation(site, h.source()));
        d.put("fix", h.fault().fix(site, h.source()));
        return d;
    }
}
