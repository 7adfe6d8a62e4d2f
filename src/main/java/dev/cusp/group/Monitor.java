package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.LinkState;
import dev.cusp.replication.ReplicationErrors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this site's replication links (every reconcile, 2 s): gives each link and the site
 * one state, raises an alert when a link leaves the healthy state and clears it when it comes
 * back, and decides the two protections built on those states: fencing (writes refused while
 * replication here is broken) and the deletion guard (destructive operations refused while a
 * writable peer is disconnected). Alerts go to the API, the log and an optional webhook.
 *
 * <p>A link's state and fault come from {@link LinkHealth} (a pure function of what MariaDB
 * shows, keyed by error number) and name a {@link Fault} of the catalogue; every alert carries
 * the fault's code and fixing command.
 */
public final class Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    private static final int KEEP_CLEARED = 50;

    /** A link's or the site's state, from best to worst. */
    public enum Health {
        HEALTHY, LAGGING, DISCONNECTED, DIVERGED, BROKEN;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** One link as the monitor sees it: its state and, unless healthy, the fault that explains it. */
    public record Link(String source, Health health, Instant since, String detail, Fault fault) {
        /** The fault's code, null when healthy. */
        public String code() {
            return fault == null ? null : fault.code();
        }
    }

    /** An alert: what happened (with the fault's code), since when, and what fixes it. */
    public record Alert(String id, String link, String state, String code, Instant since, String message, String fix,
                        Instant clearedAt) {
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("link", link);
            m.put("state", state);
            m.put("code", code);
            m.put("since", since.toString());
            m.put("message", message);
            m.put("fix", fix);
            m.put("cleared_at", clearedAt == null ? null : clearedAt.toString());
            return m;
        }
    }

    /** How far a link's applier had got, and when it last moved: a stuck applier is one that stopped moving. */
    private record Progress(long applied, Instant movedAt) {
    }

    private final String site;
    private final LinkHealth.Limits limits;
    private final boolean fence;
    private final String webhook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final Deque<Alert> cleared = new ArrayDeque<>();
    private final Map<String, Progress> progress = new HashMap<>();
    private final Map<String, LinkHealth.Memory> memory = new HashMap<>();
    private final Map<String, String> rememberedDetail = new HashMap<>();
    private final java.util.Set<String> siteKeys = ConcurrentHashMap.newKeySet();
    /** Site alerts that hold this site's writes (a clone, a roll-back, errant transactions): key to reason. */
    private final Map<String, String> holds = new ConcurrentHashMap<>();
    private volatile Map<String, Boolean> writablePeers = Map.of();
    private volatile List<String> otherSites = List.of();
    private volatile Instant overrideUntil = Instant.EPOCH;
    private volatile String overrideReason;
    private volatile String divergence;
    private static final String CHECK = "check";

    public Monitor(String site, int lagSeconds, boolean fence, String webhook) {
        this(site, lagSeconds, DEFAULT_STUCK_SECONDS, fence, webhook);
    }

    /** Seconds an applier may sit still while changes wait before it is reported stuck (monitor.stuck.seconds). */
    public static final int DEFAULT_STUCK_SECONDS = 8;

    public Monitor(String site, int lagSeconds, int stuckSeconds, boolean fence, String webhook) {
        this.site = site;
        this.limits = new LinkHealth.Limits(lagSeconds, stuckSeconds);
        this.fence = fence;
        this.webhook = webhook == null || webhook.isBlank() ? null : webhook;
    }

    /** What the monitor reads of a link at {@code now}; keeps track of the applier's progress. */
    private LinkHealth.Observation observe(LinkState l, Instant now) {
        GtidPos received = GtidPos.parse(l.gtidIoPos());
        GtidPos applied = GtidPos.parse(l.appliedPos());
        boolean waiting = !received.seqByDomain().isEmpty() && !applied.covers(received);
        long sum = 0;
        for (Long d : received.seqByDomain().keySet()) {
            sum += applied.seq(d);
        }
        Progress before = progress.get(l.channel());
        Progress after = before == null || before.applied() != sum || !waiting ? new Progress(sum, now) : before;
        progress.put(l.channel(), after);
        long idle = waiting ? Duration.between(after.movedAt(), now).toSeconds() : 0;
        return new LinkHealth.Observation(LinkHealth.Receiver.of(l.receiverState()), l.applierRunning(),
                l.ioErrno(), l.sqlErrno(), l.secondsBehind(), waiting, idle);
    }

    private String detail(LinkState l, LinkHealth.Observation o, LinkHealth.Verdict v) {
        if (v.fault() == null) {
            return "replicating";
        }
        return switch (v.fault()) {
            case SOURCE_UNREACHABLE -> l.ioErrno() != 0 ? "cannot reach the source (" + l.ioErrno() + ": "
                    + l.lastError() + ")" : "cannot reach the source; retrying every 2 s";
            case LINK_STOPPED -> "stopped by an administrator (STOP SLAVE)";
            case LAGGING -> l.secondsBehind() + " s behind (threshold " + limits.lagSeconds() + " s)";
            case STUCK_APPLIER -> "the applier has applied nothing for " + o.idleSeconds() + " s while "
                    + GtidPos.parse(l.appliedPos()).behind(GtidPos.parse(l.gtidIoPos()))
                    + " received transaction(s) wait (threshold " + limits.stuckSeconds() + " s)";
            default -> "error " + l.lastErrno() + ": " + l.lastError();
        };
    }

    /**
     * The reconciler is about to mend a link (restart it after an error): the error it saw is
     * remembered, so the look right after the restart, which finds no error yet, does not read
     * as healthy.
     */
    synchronized void beforeMend(LinkState l) {
        LinkHealth.Observation o = observe(l, Instant.now());
        LinkHealth.Verdict v = LinkHealth.classify(o, limits);
        if (v.fault() != null && v.fault().fromError()) {
            memory.put(l.channel(), LinkHealth.settle(memory.getOrDefault(l.channel(), LinkHealth.Memory.NONE), v,
                    false).memory());
            rememberedDetail.put(l.channel(), detail(l, o, v));
        }
    }

    /**
     * Takes the links' current states. {@code peers}: every other active member, true if it is
     * writable; used to name the sites to write at and to find disconnected writers.
     */
    synchronized void update(List<LinkState> states, Map<String, Boolean> peers) {
        update(states, peers, Map.of());
    }

    /**
     * As {@link #update(List, Map)}, with the sources whose link is held because they run
     * another Cusp version ({@code holds}: source to reason); such a link has no channel, so it
     * is shown from the hold (VERSION_MISMATCH).
     */
    synchronized void update(List<LinkState> states, Map<String, Boolean> peers, Map<String, String> holds) {
        writablePeers = Map.copyOf(peers);
        otherSites = List.copyOf(peers.keySet());
        Instant now = Instant.now();
        Map<String, Link> seen = new LinkedHashMap<>();
        for (LinkState l : states) {
            LinkHealth.Observation o = observe(l, now);
            LinkHealth.Verdict v = LinkHealth.classify(o, limits);
            LinkHealth.Settled s = LinkHealth.settle(memory.getOrDefault(l.channel(), LinkHealth.Memory.NONE), v,
                    ReplicationErrors.network(l.ioErrno()));
            String detail;
            if (s.shown() == v) {
                detail = detail(l, o, v);
                if (v.fault() != null && v.fault().fromError()) {
                    rememberedDetail.put(l.channel(), detail);
                }
            } else {
                detail = rememberedDetail.getOrDefault(l.channel(), "error") + " (the link was restarted and has"
                        + " not run cleanly since)";
            }
            if (s.memory().fault() == null) {
                memory.remove(l.channel());
                rememberedDetail.remove(l.channel());
            } else {
                memory.put(l.channel(), s.memory());
            }
            Health h = s.shown().health();
            Fault f = s.shown().fault();
            Link before = links.get(l.channel());
            Instant since = before != null && before.health() == h && before.fault() == f ? before.since() : now;
            seen.put(l.channel(), new Link(l.channel(), h, since, detail, f));
        }
        for (var hold : holds.entrySet()) {
            if (!seen.containsKey(hold.getKey())) {
                Link before = links.get(hold.getKey());
                Instant since = before != null && before.fault() == Fault.VERSION_MISMATCH ? before.since() : now;
                seen.put(hold.getKey(), new Link(hold.getKey(), Fault.VERSION_MISMATCH.health(), since, hold.getValue(),
                        Fault.VERSION_MISMATCH));
            }
        }
        progress.keySet().retainAll(seen.keySet());
        memory.keySet().retainAll(seen.keySet());
        rememberedDetail.keySet().retainAll(seen.keySet());
        links.clear();
        links.putAll(seen);
        for (Link l : seen.values()) {
            Alert a = active.get(l.source());
            if (l.health() == Health.HEALTHY) {
                if (a != null) {
                    clear(a, now);
                }
            } else if (a == null || !a.state().equals(l.health().label()) || !java.util.Objects.equals(a.code(),
                    l.code())) {
                if (a != null) {
                    clear(a, now);
                }
                raise(l);
            }
        }
        for (Alert a : List.copyOf(active.values())) {
            if (!seen.containsKey(a.link()) && !CHECK.equals(a.link()) && !siteKeys.contains(a.link())) {
                clear(a, now);
            }
        }
    }

    private void raise(Link l) {
        String fix = l.fault().fix(site, l.source());
        Alert a = new Alert(java.util.UUID.randomUUID().toString(), l.source(), l.health().label(), l.code(),
                l.since(), "replication of " + site + " from " + l.source() + " is " + l.health().label() + " ("
                + l.code() + "): " + l.detail() + ". Why: " + l.fault().explanation(site, l.source()),
                fix, null);
        active.put(l.source(), a);
        LOG.warn("monitor: {} (fix: {})", a.message(), fix);
        notify("raised", a);
    }

    private void clear(Alert a, Instant now) {
        active.remove(a.link());
        Alert done = new Alert(a.id(), a.link(), a.state(), a.code(), a.since(), a.message(), a.fix(), now);
        cleared.addFirst(done);
        while (cleared.size() > KEEP_CLEARED) {
            cleared.removeLast();
        }
        LOG.info("monitor: cleared: {}", a.message());
        notify("cleared", done);
    }

    private void notify(String event, Alert a) {
        if (webhook == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("site", site);
        body.put("alert", a.describe());
        Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(webhook))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JsonMapping.MAPPER.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 300) {
                    LOG.warn("monitor: webhook answered {}", r.statusCode());
                }
            } catch (Exception e) {
                LOG.warn("monitor: webhook failed: {}", e.getMessage());
            }
        });
    }

    /**
     * Takes the report of a check run at this site ({@code cusp check}, or the re-check after a
     * repair): differing rows raise a "diverged" alert naming the sites and the fix; a clean
     * report clears it.
     */
    public synchronized void checked(Map<String, Object> report) {
        Alert a = active.get(CHECK);
        if (Boolean.TRUE.equals(report.get("clean"))) {
            if (a != null) {
                clear(a, Instant.now());
            }
            divergence = null;
            return;
        }
        java.util.Set<String> sites = new java.util.TreeSet<>();
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        if (report.get("differences") instanceof List<?> diffs) {
            for (Object o : diffs) {
                if (o instanceof Map<?, ?> d) {
                    tenants.add(String.valueOf(d.get("tenant")));
                    if (d.get("rows") instanceof List<?> rows) {
                        for (Object r : rows) {
                            if (r instanceof Map<?, ?> row && row.get("differs_at") instanceof List<?> at) {
                                at.forEach(x -> sites.add(String.valueOf(x)));
                            }
                        }
                    }
                }
            }
        }
        divergence = report.get("differing_rows") + " row(s) differ in tenant(s) " + String.join(", ", tenants)
                + (sites.isEmpty() ? "" : " at " + String.join(", ", sites));
        if (a != null) {
            clear(a, Instant.now());
        }
        Alert n = new Alert(java.util.UUID.randomUUID().toString(), CHECK, Health.DIVERGED.label(),
                Fault.DATA_DIVERGED.code(), Instant.now(),
                "check at " + site + ": " + divergence, "cusp repair " + (tenants.size() == 1 ? tenants.iterator().next()
                + " " : "") + "--from SITE (the site whose data is right)", null);
        active.put(CHECK, n);
        LOG.warn("monitor: {} (fix: {})", n.message(), n.fix());
        notify("raised", n);
    }

    /**
     * Raises (or keeps) an alert about the site rather than one link, e.g. the binary log budget;
     * it stays until {@link #clearSiteAlert}. Raised again only when its message changes.
     */
    public synchronized void siteAlert(String key, Fault f, String message, String fix) {
        siteAlert(key, f, message, fix, false);
    }

    /**
     * As {@link #siteAlert(String, Fault, String, String)}; {@code holdsWritesHere}: the fault
     * is this site's own (a clone, a roll-back, errant transactions) and its writes are refused
     * until the alert is cleared. Such an alert's state is broken, any other's a warning.
     */
    synchronized void siteAlert(String key, Fault f, String message, String fix, boolean holdsWritesHere) {
        if (holdsWritesHere) {
            holds.put(key, message + " (fix: " + fix + ")");
        } else {
            holds.remove(key);
        }
        Alert a = active.get(key);
        if (a != null && a.message().equals(message)) {
            return;
        }
        if (a != null) {
            clear(a, Instant.now());
        }
        Alert n = new Alert(java.util.UUID.randomUUID().toString(), key, holdsWritesHere ? Health.BROKEN.label()
                : "warning", f.code(), Instant.now(), message, fix, null);
        active.put(key, n);
        siteKeys.add(key);
        LOG.warn("monitor: {} (fix: {})", message, fix);
        notify("raised", n);
    }

    public synchronized void clearSiteAlert(String key) {
        holds.remove(key);
        Alert a = active.get(key);
        if (a != null) {
            clear(a, Instant.now());
        }
    }

    /** Clears every site alert whose key starts with {@code prefix} and is not in {@code keep}. */
    synchronized void clearSiteAlerts(String prefix, java.util.Set<String> keep) {
        for (String k : List.copyOf(active.keySet())) {
            if (k.startsWith(prefix) && siteKeys.contains(k) && !keep.contains(k)) {
                clearSiteAlert(k);
            }
        }
    }

    /** The codes of the site alerts active now (not the links'), by key: for /metrics. */
    public Map<String, String> siteFaults() {
        Map<String, String> out = new java.util.TreeMap<>();
        active.forEach((k, a) -> {
            if (siteKeys.contains(k) && a.code() != null) {
                out.put(k, a.code());
            }
        });
        return out;
    }

    /**
     * The site's state: broken while a fault of the site itself holds its writes, else its worst
     * link's (or diverged after a check found differences), healthy when none.
     */
    public Health siteHealth() {
        if (!holds.isEmpty()) {
            return Health.BROKEN;
        }
        Health worst = links.values().stream().map(Link::health).max(Enum::compareTo).orElse(Health.HEALTHY);
        return divergence != null && worst.compareTo(Health.DIVERGED) < 0 ? Health.DIVERGED : worst;
    }

    public Map<String, Link> links() {
        return Map.copyOf(links);
    }

    public List<Map<String, Object>> alerts(boolean withCleared) {
        List<Map<String, Object>> out = new ArrayList<>();
        active.values().forEach(a -> out.add(a.describe()));
        if (withCleared) {
            synchronized (this) {
                cleared.forEach(a -> out.add(a.describe()));
            }
        }
        return out;
    }

    /**
     * True while a fault of this site itself (a clone, a roll-back, errant transactions) holds
     * its writes and fencing is on: the reconciler then keeps the node read-only as well, so a
     * practice's own writes through its database account (a login's trace) are refused too.
     */
    public boolean holdsWrites() {
        return fence && !holds.isEmpty();
    }

    /** Why writes are refused here, if they are: replication here is broken and fencing is on. */
    public Optional<String> fenced() {
        if (!fence) {
            return Optional.empty();
        }
        Optional<String> held = holds.values().stream().findFirst();
        if (held.isPresent()) {
            return Optional.of("writes are refused at site " + site + ": " + held.get() + "; reads go on.");
        }
        List<Link> broken = links.values().stream().filter(l -> l.health() == Health.BROKEN).toList();
        if (broken.isEmpty()) {
            return Optional.empty();
        }
        Link b = broken.get(0);
        // The other writable sites: a broken link here is this site failing to apply their
        // changes, not a fault of theirs.
        List<String> healthy = otherSites.stream().filter(s -> Boolean.TRUE.equals(writablePeers.get(s))).toList();
        return Optional.of("replication at site " + site + " is broken since " + b.since() + " (from " + b.source()
                + ": " + b.detail() + "); writes are refused here until it is repaired ('cusp reseed " + site
                + "'); reads go on." + (healthy.isEmpty() ? "" : " Write at " + String.join(" or ", healthy)
                + " meanwhile."));
    }

    /**
     * Why destructive operations are refused, if they are: a writable peer is disconnected,
     * so a merge or delete here could meet changes there that still have to arrive.
     */
    public Optional<String> deletionGuard() {
        List<Link> away = links.values().stream().filter(l -> (l.health() == Health.DISCONNECTED
                || l.health() == Health.BROKEN) && Boolean.TRUE.equals(writablePeers.get(l.source()))).toList();
        if (away.isEmpty()) {
            return Optional.empty();
        }
        Link l = away.get(0);
        return Optional.of("site " + l.source() + " is disconnected since " + l.since() + "; merges, combines and"
                + " deletes wait until it is back, so they cannot meet its changes made meanwhile. A site admin can"
                + " override: 'cusp site guard-override --minutes N --reason TEXT'");
    }

    /** A site admin lifts the deletion guard for a while; each use is written to the security log. */
    public synchronized Map<String, Object> override(Duration d, String reason) {
        overrideUntil = Instant.now().plus(d);
        overrideReason = reason;
        LOG.warn("monitor: deletion guard overridden until {}: {}", overrideUntil, reason);
        return Map.of("override_until", overrideUntil.toString(), "reason", reason);
    }

    /** The override in force, if any: its reason. */
    public Optional<String> overrideReason() {
        return overrideUntil.isAfter(Instant.now()) ? Optional.of(overrideReason) : Optional.empty();
    }
}
