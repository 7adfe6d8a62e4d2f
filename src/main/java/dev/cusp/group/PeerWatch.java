package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.replication.GtidPos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Every 2 s, asks every other active member for its status over the peer channel and checks
 * the faults no single link shows (issue 15, faults 4, 5 and 7):
 * <ul>
 *   <li>CLONED_SITE: a member answers with this site's server_id or GTID domain, another
 *   member's, or not the ones it joined with ({@link IdentityClash}). It is not replicated
 *   from until that is fixed.</li>
 *   <li>ROLLED_BACK: a member holds less now than it was seen to hold before (under the same
 *   seed; remembered across restarts in {@link WatchMemory}). The member named is told by its
 *   peers' answers and refuses writes.</li>
 *   <li>ERRANT_GTID, at this site itself: its binary log holds transactions in another site's
 *   domain that it did not receive by replication ({@link NodePositions}).</li>
 *   <li>CLOCK_SKEW: a member's clock differs from this one's by more than
 *   {@code monitor.clock.skew.seconds} ({@link ClockSkew}).</li>
 * </ul>
 */
final class PeerWatch {
    static final String CLONE = "clone:";
    static final String ROLLBACK = "rollback:";
    static final String ERRANT = "errant:";
    static final String CLOCK = "clock:";
    private static final List<String> PREFIXES = List.of(CLONE, ROLLBACK, ERRANT, CLOCK);
    private final Membership site;
    private final Monitor monitor;
    private final PeerClient peers;
    private final DataSource admin;
    private final long skewLimitMs;
    private final ClockSkew clock = new ClockSkew();
    private final WatchMemory memory;
    private final ExecutorService askers = Executors.newVirtualThreadPerTaskExecutor();
    private final Clones clones;
    private final Runnable reconcileNow;
    private boolean heldBefore;

    /**
     * {@code memoryFile}: where what the watch has seen is kept across restarts; {@code clones}:
     * where it puts the members it finds to be clones; {@code reconcileNow}: run when a fault of
     * this site starts or stops holding its writes, so the node's read-only follows at once.
     */
    private final Incarnations incarnations;

    PeerWatch(Membership site, Monitor monitor, PeerClient peers, DataSource admin, Path memoryFile, int skewSeconds,
              Clones clones, Runnable reconcileNow, Incarnations incarnations) {
        this.clones = clones;
        this.incarnations = incarnations;
        this.reconcileNow = reconcileNow;
        this.site = site;
        this.monitor = monitor;
        this.peers = peers;
        this.admin = admin;
        this.skewLimitMs = skewSeconds * 1000L;
        this.memory = new WatchMemory(memoryFile);
    }

    /** Members found to be clones: this site does not replicate from them. */
    Set<String> clones() {
        return clones.names();
    }

    /** Each peer's clock offset from this site's, in seconds, as last estimated. */
    Map<String, Double> clockOffsets() {
        return clock.offsets();
    }

    /** One look at the group. */
    void run() {
        Member me = site.self();
        Monitor mon = monitor;
        if (me == null || !me.active()) {
            for (String p : PREFIXES) {
                mon.clearSiteAlerts(p, Set.of());
            }
            clones.found(Set.of());
            return;
        }
        if (site.seeding()) {
            return;
        }
        List<Member> all = site.known();
        Map<Member, JsonNode> answers = ask(all.stream().filter(m -> m.active() && !m.name().equals(me.name()))
                .toList());
        Set<String> raised = new HashSet<>();
        Set<String> cloneNow = new HashSet<>();
        Map<String, String> seeds = new HashMap<>();
        seeds.put(me.name(), me.seedGtid());
        for (var e : answers.entrySet()) {
            Member m = e.getKey();
            JsonNode st = e.getValue();
            String seed = st.path("seed_gtid").isTextual() ? st.path("seed_gtid").asText() : null;
            seeds.put(m.name(), seed);
            if (st.has("server_id")) {
                IdentityClash.remote(m, st.path("server_id").asLong(), st.path("gtid_domain_id").asLong(), site.id(), all)
                        .ifPresent(why -> {
                            cloneNow.add(m.name());
                            raise(CLONE + m.name(), Fault.CLONED_SITE, m.name(), why, false, raised);
                        });
            }
            if (st.path("gtid_binlog_pos").isTextual() && !st.path("seeding").asBoolean(false)) {
                GtidPos now = GtidPos.parse(st.path("gtid_binlog_pos").asText());
                GtidPos was = memory.observe(m.name(), seed, now);
                if (was != null) {
                    memory.remember(ROLLBACK + m.name(), new WatchMemory.Finding(Fault.ROLLED_BACK.code(), m.name(),
                            seed, "site " + m.name() + " holds " + now + " but was seen by " + me.name() + " holding "
                            + was + " (" + now.behind(was) + " transaction(s) fewer): it went back in time",
                            Fault.ROLLED_BACK.fix(me.name(), m.name())));
                }
            }
            for (JsonNode a : st.path("alerts")) {
                if ((ROLLBACK + me.name()).equals(a.path("link").asText())) {
                    raise(ROLLBACK + me.name(), Fault.ROLLED_BACK, me.name(), a.path("message").asText()
                            + " (found by " + m.name() + ")", true, raised);
                }
            }
            skew(m, st, raised);
        }
        for (FullCopies.Finding f : FullCopies.look(incarnations, me.name(), all, answers.values())) {
            if (!f.here()) {
                cloneNow.add(f.site());
            }
            if (raised.add(CLONE + f.site())) {
                monitor.siteAlert(CLONE + f.site(), Fault.CLONED_SITE, f.message(), f.fix(), f.here());
            }
        }
        clones.found(cloneNow);
        errant(me, all);
        for (var f : memory.findings(seeds).entrySet()) {
            WatchMemory.Finding x = f.getValue();
            Fault fault = Fault.valueOf(x.code());
            boolean here = x.site().equals(me.name());
            if (here && raised.contains(f.getKey())) {
                continue;
            }
            monitor.siteAlert(f.getKey(), fault, x.message(), x.fix(), here);
            raised.add(f.getKey());
        }
        memory.forget(all.stream().map(Member::name).collect(Collectors.toSet()));
        clock.retain(answers.keySet().stream().map(Member::name).collect(Collectors.toSet()));
        boolean held = mon.holdsWrites();
        for (String p : PREFIXES) {
            mon.clearSiteAlerts(p, raised);
        }
        if (held != heldBefore || held != mon.holdsWrites()) {
            // The node's read-only follows at once, not at the reconciler's next cycle.
            reconcileNow.run();
        }
        heldBefore = mon.holdsWrites();
    }

    private void raise(String key, Fault f, String about, String message, boolean here, Set<String> raised) {
        if (raised.add(key)) {
            monitor.siteAlert(key, f, message, f.fix(site.siteName(), about), here);
        }
    }

    /** Asks the members in parallel; a member that does not answer within 3 s is left out of this look. */
    private Map<Member, JsonNode> ask(List<Member> members) {
        Map<Member, Future<JsonNode>> calls = new LinkedHashMap<>();
        for (Member m : members) {
            calls.put(m, askers.submit(() -> {
                long t0 = site.clock().millis();
                JsonNode st = peers.call(m, "GET", "/api/v1/peer/status", null, Duration.ofSeconds(3));
                long t1 = site.clock().millis();
                if (st.path("clock_ms").isIntegralNumber()) {
                    clock.add(m.name(), ClockSkew.sample(t0, st.path("clock_ms").asLong(), t1));
                }
                return st;
            }));
        }
        Map<Member, JsonNode> out = new LinkedHashMap<>();
        for (var e : calls.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return out;
            } catch (java.util.concurrent.ExecutionException ee) {
                if (!(ee.getCause() instanceof CuspException)) {
                    Group.LOG.debug("watch: {} did not answer: {}", e.getKey().name(), ee.getCause().toString());
                }
            }
        }
        return out;
    }

    private void skew(Member m, JsonNode st, Set<String> raised) {
        ClockSkew.Sample s = clock.best(m.name());
        if (s == null || Math.abs(s.offsetMs()) <= skewLimitMs) {
            return;
        }
        raise(CLOCK + m.name(), Fault.CLOCK_SKEW, m.name(), String.format(java.util.Locale.ROOT,
                "the clock of site %s is about %.0f s %s this site's (%s), more than monitor.clock.skew.seconds"
                        + " (%d s), measured over the peer channel ('cusp status' shows the offset)", m.name(),
                Math.abs(s.offsetMs()) / 1000.0, s.offsetMs() > 0 ? "ahead of" : "behind", site.siteName(),
                skewLimitMs / 1000), false, raised);
    }

    /**
     * ERRANT_GTID at this site: in a domain not its own, its binary log is ahead of what it
     * received by replication. Read twice: a transaction being applied is in the binary log a
     * moment before the replicated position takes it, never longer.
     */
    private void errant(Member me, List<Member> all) {
        long own = site.id().gtidDomainId();
        NodePositions first = NodePositions.read(admin);
        GtidPos bin = first.binlogPos();
        List<Long> ahead = new ArrayList<>();
        for (var e : bin.seqByDomain().entrySet()) {
            if (e.getKey() != own && e.getValue() > first.slavePos().seq(e.getKey())) {
                ahead.add(e.getKey());
            }
        }
        if (ahead.isEmpty()) {
            return;
        }
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        GtidPos slave = NodePositions.read(admin).slavePos();
        ahead.removeIf(d -> slave.seq(d) >= bin.seq(d));
        if (ahead.isEmpty()) {
            return;
        }
        String which = ahead.stream().map(d -> d + " (" + all.stream().filter(m -> m.gtidDomainId() == d)
                .map(m -> "site " + m.name() + "'s").findFirst().orElse("no member's") + ": " + d + "-"
                + bin.serverByDomain().get(d) + "-" + bin.seq(d) + " logged, " + slave.seq(d) + " received)")
                .collect(Collectors.joining(", "));
        memory.remember(ERRANT + me.name(), new WatchMemory.Finding(Fault.ERRANT_GTID.code(), me.name(),
                me.seedGtid(), "site " + me.name() + " holds " + ahead.stream().mapToLong(d -> bin.seq(d) - slave.seq(d))
                .sum() + " transaction(s) in GTID domain "
                + which + " that it did not receive by replication: made at its node under another site's identity",
                Fault.ERRANT_GTID.fix(me.name(), me.name())));
    }

    void close() {
        askers.shutdownNow();
    }
}
