package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which members a site replicates from, for every role and topology, without a node. */
class TopologyTest {
    static Member peer(String name, String state) {
        return new Member(name, Member.PEER, state, "https://" + name, name, 3306, "", name.hashCode(), name.length(),
                1, null, null, 0, "1");
    }

    static Member replica(String name, String upstream) {
        return new Member(name, Member.REPLICA, Member.ACTIVE, "https://" + name, name, 3306, "", 99, 99, null,
                upstream, null, 0, "1");
    }

    static final Member A = peer("a", Member.ACTIVE);
    static final Member B = peer("b", Member.ACTIVE);
    static final Member C = peer("c", Member.ACTIVE);
    static final Member D = peer("d", Member.JOINING);
    static final Member R = replica("r", "b");
    static final List<Member> ALL = List.of(A, B, C, D, R);

    static List<String> names(List<Member> ms) {
        return ms.stream().map(Member::name).toList();
    }

    @Test
    void aMeshPeerReplicatesFromEveryOtherActivePeer() {
        assertThat(names(Topology.sourcesOf(A, ALL, Topology.MESH))).containsExactly("b", "c");
        assertThat(names(Topology.sourcesOf(C, ALL, Topology.MESH))).containsExactly("a", "b");
    }

    @Test
    void aRingPeerReplicatesFromThePeerBeforeIt_theFirstFromTheLast() {
        assertThat(names(Topology.sourcesOf(B, ALL, Topology.RING))).containsExactly("a");
        assertThat(names(Topology.sourcesOf(C, ALL, Topology.RING))).containsExactly("b");
        assertThat(names(Topology.sourcesOf(A, ALL, Topology.RING))).as("a joining site is not in the ring yet")
                .containsExactly("c");
    }

    @Test
    void aLonePeerHasNoSource() {
        assertThat(Topology.sourcesOf(A, List.of(A, D), Topology.RING)).isEmpty();
        assertThat(Topology.sourcesOf(A, List.of(A), Topology.MESH)).isEmpty();
    }

    @Test
    void aReplicaReplicatesFromItsUpstreamOnly_whateverTheTopology() {
        assertThat(names(Topology.sourcesOf(R, ALL, Topology.MESH))).containsExactly("b");
        assertThat(names(Topology.sourcesOf(R, ALL, Topology.RING))).containsExactly("b");
        assertThat(Topology.sourcesOf(replica("s", "d"), ALL, Topology.MESH)).as("its upstream is not active yet")
                .isEmpty();
    }

    @Test
    void onlyMeshAndRingAreKnown() {
        assertThat(Topology.known("mesh")).isTrue();
        assertThat(Topology.known("ring")).isTrue();
        assertThat(Topology.known("star")).isFalse();
        assertThat(Topology.known(null)).isFalse();
    }
}
