package dev.cusp.group;

import java.util.List;

/**
 * Which members a site replicates from. Mesh: every other active peer, so one site offline
 * holds back no one else. Ring: the peer before it in join order (the first from the last),
 * as the seed's daisy chain; a site down breaks the chain for everyone after it until it
 * returns. A replica: its upstream peer. A pure function, tested without a node.
 */
final class Topology {
    static final String MESH = "mesh";
    static final String RING = "ring";

    private Topology() {
    }

    /** True for a topology Cusp knows. */
    static boolean known(String topology) {
        return MESH.equals(topology) || RING.equals(topology);
    }

    /** The sources of {@code me} among {@code all} (in join order) under {@code topology}. */
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
}
