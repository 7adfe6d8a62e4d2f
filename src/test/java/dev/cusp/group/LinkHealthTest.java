package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.group.LinkHealth.Limits;
import dev.cusp.group.LinkHealth.Memory;
import dev.cusp.group.LinkHealth.Observation;
import dev.cusp.group.LinkHealth.Receiver;
import dev.cusp.group.LinkHealth.Verdict;
import dev.cusp.group.Monitor.Health;
import dev.cusp.node.MariaDbErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The link state function over every combination of receiver state, applier state, error
 * numbers, lag and applier progress; and the memory that keeps an error fault shown across
 * the reconciler's restarts. The rule above all: no error number outside the network set ever
 * gives a healthy link.
 */
class LinkHealthTest {
    static final Limits LIMITS = new Limits(30, 8);

    /** Every number MariaDB's catalogue of replication errors names, the network set, and a few others. */
    static final List<Integer> KNOWN = List.of(0, 1032, 1062, 1644, 1236, 1146, 1049, 1051, 1045, 1044, 1227, 1698,
            1862, 1820, 4151, 1594, 1595, 1205, 1213, 1290, 1836, 1021, 1114, 3, 1593, 1950, 1452, 1677, 1535, 1040,
            1129, 2002, 2003, 2005, 2006, 2013, 2026, 1158, 1159, 1160, 1161, 1053, 1927);

    @Provide
    Arbitrary<Integer> errno() {
        return Arbitraries.oneOf(Arbitraries.of(KNOWN), Arbitraries.integers().between(1, 5000),
                Arbitraries.integers());
    }

    @Provide
    Arbitrary<Long> behind() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.longs().between(0, 100_000));
    }

    @Property(tries = 5000)
    void noErrorOutsideTheNetworkSetIsEverHealthy(@ForAll Receiver receiver, @ForAll boolean applier,
                                                  @ForAll("errno") int io, @ForAll("errno") int sql,
                                                  @ForAll("behind") Long behind, @ForAll boolean waiting,
                                                  @ForAll("idle") long idle) {
        Verdict v = LinkHealth.classify(new Observation(receiver, applier, io, sql, behind, waiting, idle), LIMITS);
        if (v.health() == Health.HEALTHY) {
            assertThat(sql).as("the applier's error").isZero();
            assertThat(io == 0 || MariaDbErrors.network(io)).as("the receiver's error " + io).isTrue();
            assertThat(receiver).isEqualTo(Receiver.RUNNING);
            assertThat(applier).isTrue();
            assertThat(v.fault()).isNull();
        } else {
            assertThat(v.fault()).as("a state that is not healthy names its fault").isNotNull();
            assertThat(v.fault().health()).isEqualTo(v.health());
        }
        if (sql != 0 || io != 0 && !MariaDbErrors.network(io)) {
            assertThat(v.health()).isEqualTo(Health.BROKEN);
        }
    }

    @Provide
    Arbitrary<Long> idle() {
        return Arbitraries.longs().between(0, 1000);
    }

    /** Every combination of the small domain, exhaustively: the property above, and no combination unnamed. */
    @Test
    void everyCombinationHasOneStateAndTheRuleHolds() {
        Set<String> faults = new TreeSet<>();
        int n = 0;
        for (Receiver r : Receiver.values()) {
            for (boolean applier : new boolean[] {true, false}) {
                for (int io : KNOWN) {
                    for (int sql : KNOWN) {
                        for (Long behind : new Long[] {null, 0L, 31L}) {
                            for (boolean waiting : new boolean[] {true, false}) {
                                for (long idle : new long[] {0, 7, 8, 600}) {
                                    Verdict v = LinkHealth.classify(new Observation(r, applier, io, sql, behind,
                                            waiting, idle), LIMITS);
                                    n++;
                                    boolean clean = sql == 0 && (io == 0 || MariaDbErrors.network(io));
                                    if (!clean) {
                                        assertThat(v.health()).as(r + " " + applier + " io " + io + " sql " + sql)
                                                .isEqualTo(Health.BROKEN);
                                    }
                                    boolean healthy = clean && r == Receiver.RUNNING && applier
                                            && !(waiting && idle >= 8) && (behind == null || behind <= 30);
                                    assertThat(v.health() == Health.HEALTHY).as(r + " " + applier + " io " + io
                                            + " sql " + sql + " behind " + behind + " waiting " + waiting + " idle "
                                            + idle).isEqualTo(healthy);
                                    if (v.fault() != null) {
                                        faults.add(v.fault().code());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(n).isEqualTo(3 * 2 * KNOWN.size() * KNOWN.size() * 3 * 2 * 4);
        // Every fault a link can show is reachable from some combination.
        List<String> linkFaults = new ArrayList<>();
        for (Fault f : Fault.values()) {
            if (f != Fault.VERSION_MISMATCH && f != Fault.DATA_DIVERGED && !f.ofSite()) {
                linkFaults.add(f.code());
            }
        }
        assertThat(faults).containsExactlyInAnyOrderElementsOf(linkFaults);
    }

    record Case(Receiver r, boolean applier, int io, int sql, Long behind, boolean waiting, long idle,
                Health health, Fault fault) {
    }

    @Test
    void namedCases() {
        List<Case> cases = List.of(
                // Issue 15: a receiver "running" (connecting again after the reconciler's restart) with 1236.
                new Case(Receiver.RUNNING, true, 1236, 0, 0L, false, 0, Health.BROKEN, Fault.PURGED_BINLOG),
                new Case(Receiver.CONNECTING, true, 1236, 0, null, false, 0, Health.BROKEN, Fault.PURGED_BINLOG),
                new Case(Receiver.STOPPED, true, 1236, 0, null, false, 0, Health.BROKEN, Fault.PURGED_BINLOG),
                // MariaDB retries a refused account for ever: connecting, with 1045.
                new Case(Receiver.CONNECTING, true, 1045, 0, null, false, 0, Health.BROKEN, Fault.REPLICATION_AUTH),
                new Case(Receiver.CONNECTING, true, 1227, 0, null, false, 0, Health.BROKEN, Fault.REPLICATION_AUTH),
                new Case(Receiver.RUNNING, false, 0, 1062, null, false, 0, Health.BROKEN, Fault.ROW_CONFLICT),
                new Case(Receiver.RUNNING, false, 0, 1032, null, false, 0, Health.BROKEN, Fault.ROW_CONFLICT),
                new Case(Receiver.RUNNING, false, 0, 1644, null, false, 0, Health.BROKEN, Fault.ROW_CONFLICT),
                new Case(Receiver.RUNNING, false, 0, 1146, null, false, 0, Health.BROKEN, Fault.MISSING_OBJECT),
                new Case(Receiver.RUNNING, false, 0, 1049, null, false, 0, Health.BROKEN, Fault.MISSING_OBJECT),
                new Case(Receiver.RUNNING, false, 0, 1594, null, false, 0, Health.BROKEN, Fault.RELAY_LOG_CORRUPT),
                new Case(Receiver.RUNNING, false, 0, 1205, null, false, 0, Health.BROKEN, Fault.APPLIER_LOCK_TIMEOUT),
                new Case(Receiver.RUNNING, false, 0, 1213, null, false, 0, Health.BROKEN, Fault.APPLIER_LOCK_TIMEOUT),
                new Case(Receiver.RUNNING, false, 0, 1290, null, false, 0, Health.BROKEN, Fault.REPLICA_READ_ONLY),
                new Case(Receiver.RUNNING, false, 0, 1021, null, false, 0, Health.BROKEN, Fault.DISK_FULL),
                new Case(Receiver.RUNNING, false, 0, 1950, null, false, 0, Health.BROKEN, Fault.APPLIER_ERROR),
                // An applier error wins over a receiver's, and a running applier with an error is not healthy.
                new Case(Receiver.RUNNING, true, 0, 1062, 0L, false, 0, Health.BROKEN, Fault.ROW_CONFLICT),
                new Case(Receiver.CONNECTING, false, 1045, 1146, null, false, 0, Health.BROKEN, Fault.MISSING_OBJECT),
                new Case(Receiver.RUNNING, true, 1593, 0, 0L, false, 0, Health.BROKEN, Fault.RECEIVER_ERROR),
                new Case(Receiver.CONNECTING, true, 2003, 0, null, false, 0, Health.DISCONNECTED,
                        Fault.SOURCE_UNREACHABLE),
                new Case(Receiver.CONNECTING, true, 0, 0, null, false, 0, Health.DISCONNECTED,
                        Fault.SOURCE_UNREACHABLE),
                new Case(Receiver.STOPPED, true, 2013, 0, null, false, 0, Health.DISCONNECTED,
                        Fault.SOURCE_UNREACHABLE),
                new Case(Receiver.STOPPED, false, 0, 0, null, false, 0, Health.DISCONNECTED, Fault.LINK_STOPPED),
                new Case(Receiver.STOPPED, true, 0, 0, null, false, 0, Health.DISCONNECTED, Fault.LINK_STOPPED),
                new Case(Receiver.RUNNING, false, 0, 0, null, false, 0, Health.DISCONNECTED, Fault.LINK_STOPPED),
                new Case(Receiver.RUNNING, true, 0, 0, 31L, false, 0, Health.LAGGING, Fault.LAGGING),
                new Case(Receiver.RUNNING, true, 0, 0, 0L, true, 8, Health.LAGGING, Fault.STUCK_APPLIER),
                new Case(Receiver.RUNNING, true, 0, 0, 400L, true, 9, Health.LAGGING, Fault.STUCK_APPLIER),
                new Case(Receiver.RUNNING, true, 0, 0, 0L, true, 7, Health.HEALTHY, null),
                new Case(Receiver.RUNNING, true, 0, 0, 0L, false, 600, Health.HEALTHY, null),
                // A network error left from a reconnect that then succeeded.
                new Case(Receiver.RUNNING, true, 2013, 0, 0L, false, 0, Health.HEALTHY, null),
                new Case(Receiver.RUNNING, true, 0, 0, 30L, false, 0, Health.HEALTHY, null));
        for (Case c : cases) {
            Verdict v = LinkHealth.classify(new Observation(c.r(), c.applier(), c.io(), c.sql(), c.behind(),
                    c.waiting(), c.idle()), LIMITS);
            assertThat(v).as(c.toString()).isEqualTo(new Verdict(c.health(), c.fault()));
        }
    }

    @Test
    void onlyNoIsAStoppedReceiver() {
        assertThat(Receiver.of("Yes")).isEqualTo(Receiver.RUNNING);
        assertThat(Receiver.of("No")).isEqualTo(Receiver.STOPPED);
        assertThat(Receiver.of(null)).isEqualTo(Receiver.STOPPED);
        assertThat(Receiver.of("Connecting")).isEqualTo(Receiver.CONNECTING);
        assertThat(Receiver.of("Preparing")).isEqualTo(Receiver.CONNECTING);
    }

    @Test
    void anErrorFaultStaysShownAcrossARestartUntilTheLinkRunsCleanTwice() {
        Verdict purged = Verdict.of(Fault.PURGED_BINLOG);
        Verdict connecting = Verdict.of(Fault.SOURCE_UNREACHABLE);
        LinkHealth.Settled s = LinkHealth.settle(Memory.NONE, purged, false);
        assertThat(s.shown()).isEqualTo(purged);
        // The reconciler restarted the link: connecting, no error yet.
        s = LinkHealth.settle(s.memory(), connecting, false);
        assertThat(s.shown()).isEqualTo(purged);
        // Connected for a moment before the source answers 1236 again.
        s = LinkHealth.settle(s.memory(), Verdict.HEALTHY, false);
        assertThat(s.shown()).isEqualTo(purged);
        s = LinkHealth.settle(s.memory(), purged, false);
        assertThat(s.shown()).isEqualTo(purged);
        // Mended (a re-seed): clean twice in a row clears it.
        s = LinkHealth.settle(s.memory(), Verdict.HEALTHY, false);
        assertThat(s.shown()).isEqualTo(purged);
        s = LinkHealth.settle(s.memory(), Verdict.of(Fault.LAGGING), false);
        assertThat(s.shown()).isEqualTo(Verdict.of(Fault.LAGGING));
        assertThat(s.memory()).isEqualTo(Memory.NONE);
        // A clean look interrupted by a stop starts the count again.
        s = LinkHealth.settle(Memory.NONE, Verdict.of(Fault.REPLICATION_AUTH), false);
        s = LinkHealth.settle(s.memory(), Verdict.HEALTHY, false);
        s = LinkHealth.settle(s.memory(), connecting, false);
        s = LinkHealth.settle(s.memory(), Verdict.HEALTHY, false);
        assertThat(s.shown().fault()).isEqualTo(Fault.REPLICATION_AUTH);
        // A network error forgets it: the source is not reached, nothing is known of the old error.
        s = LinkHealth.settle(s.memory(), connecting, true);
        assertThat(s.shown()).isEqualTo(connecting);
        assertThat(s.memory()).isEqualTo(Memory.NONE);
        // Nothing remembered: shown as seen.
        assertThat(LinkHealth.settle(Memory.NONE, Verdict.HEALTHY, false).shown()).isEqualTo(Verdict.HEALTHY);
    }

    /** The README's troubleshooting table lists every fault with its fixing command, and nothing else. */
    @Test
    void theReadmeTroubleshootingTableIsTheCatalogue() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Troubleshooting"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        List<String> rows = section.lines().filter(l -> l.startsWith("| `")).toList();
        assertThat(rows).hasSize(Fault.values().length);
        for (Fault f : Fault.values()) {
            assertThat(rows).as(f.code()).anyMatch(r -> r.startsWith("| `" + f.code() + "` |")
                    && r.contains(f.fix("SITE", "SOURCE").replace("|", "\\|"))
                    && r.contains(f.explanation("SITE", "SOURCE")));
        }
    }

    @Test
    void everyFaultHasItsTextsAndOnlyStatesAreEverHealthy() {
        for (Fault f : Fault.values()) {
            assertThat(f.health()).isNotEqualTo(Health.HEALTHY);
            assertThat(f.explanation("b", "a")).doesNotContain("{").endsWith(".");
            assertThat(f.fix("b", "a")).doesNotContain("{").isNotBlank();
        }
        assertThat(Fault.PURGED_BINLOG.fix("b", "a")).isEqualTo("cusp reseed b");
        assertThat(Fault.REPLICATION_AUTH.mendsItself()).isTrue();
        assertThat(Fault.PURGED_BINLOG.mendsItself()).isFalse();
    }
}
