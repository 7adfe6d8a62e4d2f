package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.group.Monitor.Health;
import dev.cusp.group.Monitor.Link;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fencing and the deletion guard decided from links, holds and peers, without a node. */
class WritePolicyTest {
    static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    /** Facts a test sets directly. */
    static final class Given implements WritePolicy.Facts {
        final List<Link> links = new ArrayList<>();
        final Map<String, Boolean> peers = new LinkedHashMap<>();
        String hold;

        @Override
        public Collection<Link> links() {
            return links;
        }

        @Override
        public Optional<String> hold() {
            return Optional.ofNullable(hold);
        }

        @Override
        public Map<String, Boolean> writablePeers() {
            return peers;
        }
    }

    static Link link(String source, Health h, Fault f) {
        return new Link(source, h, T, "detail of " + source, f);
    }

    @Test
    void aBrokenLinkFencesOnlyWhenFencingIsOn_andNamesTheSitesToWriteAt() {
        Given g = new Given();
        g.peers.put("b", true);
        g.peers.put("r", false);
        g.peers.put("c", true);
        g.links.add(link("b", Health.BROKEN, Fault.ROW_CONFLICT));
        assertThat(new WritePolicy("a", false, g).fenced()).isEmpty();
        WritePolicy on = new WritePolicy("a", true, g);
        assertThat(on.isFenced()).isTrue();
        assertThat(on.fenced().orElseThrow()).startsWith("replication at site a is broken since " + T
                + " (from b: detail of b)").contains("'cusp reseed a'").endsWith(" Write at b or c meanwhile.");
    }

    @Test
    void aLaggingOrDisconnectedLinkDoesNotFence() {
        Given g = new Given();
        g.links.add(link("b", Health.LAGGING, Fault.LAGGING));
        g.links.add(link("c", Health.DISCONNECTED, Fault.SOURCE_UNREACHABLE));
        assertThat(new WritePolicy("a", true, g).fenced()).isEmpty();
    }

    @Test
    void aFaultOfThisSiteHoldsItsWrites_beforeAnyLink() {
        Given g = new Given();
        g.links.add(link("b", Health.BROKEN, Fault.ROW_CONFLICT));
        g.hold = "site a is a clone";
        WritePolicy on = new WritePolicy("a", true, g);
        assertThat(on.holdsWrites()).isTrue();
        assertThat(on.fenced()).contains("writes are refused at site a: site a is a clone; reads go on.");
        assertThat(new WritePolicy("a", false, g).holdsWrites()).isFalse();
    }

    @Test
    void theDeletionGuardHoldsWhileAWritablePeerIsAway_notAReplica() {
        Given g = new Given();
        g.peers.put("b", true);
        g.peers.put("r", false);
        g.links.add(link("r", Health.DISCONNECTED, Fault.SOURCE_UNREACHABLE));
        WritePolicy p = new WritePolicy("a", false, g);
        assertThat(p.deletionGuard()).isEmpty();
        g.links.add(link("b", Health.DISCONNECTED, Fault.SOURCE_UNREACHABLE));
        assertThat(p.deletionGuard().orElseThrow()).startsWith("site b is disconnected since " + T);
        assertThat(p.deletionRefused()).isPresent();
    }

    @Test
    void anOverrideLiftsTheRefusalForAWhile_notTheGuard() {
        Given g = new Given();
        g.peers.put("b", true);
        g.links.add(link("b", Health.BROKEN, Fault.PURGED_BINLOG));
        WritePolicy p = new WritePolicy("a", false, g);
        assertThat(p.overrideReason()).isEmpty();
        p.override(Duration.ofMinutes(5), "b is gone for good");
        assertThat(p.overrideReason()).contains("b is gone for good");
        assertThat(p.deletionGuard()).isPresent();
        assertThat(p.deletionRefused()).isEmpty();
        p.override(Duration.ofMinutes(-1), "expired");
        assertThat(p.deletionRefused()).isPresent();
    }
}
