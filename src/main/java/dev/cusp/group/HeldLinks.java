package dev.cusp.group;

import dev.cusp.wire.PeerLink;
import java.util.ArrayList;
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

    /** {@code links} (made from the channels), and one more per link the monitor has and the channels lack. */
    static List<PeerLink> with(List<PeerLink> links, Map<String, Monitor.Link> health, String site) {
        List<PeerLink> out = new ArrayList<>(links);
        Set<String> channels = links.stream().map(PeerLink::channel).collect(Collectors.toSet());
        for (Monitor.Link h : health.values()) {
            if (!channels.contains(h.source()) && h.fault() != null) {
                out.add(describe(h, site));
            }
        }
        return out;
    }

    /** The same fields as a channel's entry (GroupStatus.local), positions unknown. */
    static PeerLink describe(Monitor.Link h, String site) {
        return new PeerLink(h.source(), null, 0, HELD, HELD, null, null, null, 0, null, h.health().label(),
                h.since().toString(), h.detail(), h.code(), h.fault().explanation(site, h.source()),
                h.fault().fix(site, h.source()));
    }
}
