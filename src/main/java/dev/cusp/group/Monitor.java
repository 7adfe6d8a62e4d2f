package dev.cusp.group;

import dev.cusp.api.Json;
import dev.cusp.replication.LinkState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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

    /** One link as the monitor sees it. */
    public record Link(String source, Health health, Instant since, String detail) {
    }

    /** An alert: what happened, since when, and what fixes it. */
    public record Alert(String id, String link, String state, Instant since, String message, String fix,
                        Instant clearedAt) {
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("link", link);
            m.put("state", state);
            m.put("since", since.toString());
            m.put("message", message);
            m.put("fix", fix);
            m.put("cleared_at", clearedAt == null ? null : clearedAt.toString());
            return m;
        }
    }

    private final String site;
    private final int lagSeconds;
    private final boolean fence;
    private final String webhook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final Deque<Alert> cleared = new ArrayDeque<>();
    private volatile Map<String, Boolean> writablePeers = Map.of();
    private volatile List<String> otherSites = List.of();
    private volatile Instant overrideUntil = Instant.EPOCH;
    private volatile String overrideReason;
    private volatile String divergence;
    private static final String CHECK = "check";

    public Monitor(String site, int lagSeconds, boolean fence, String webhook) {
        this.site = site;
        this.lagSeconds = lagSeconds;
        this.fence = fence;
        this.webhook = webhook == null || webhook.isBlank() ? null : webhook;
    }

    /** The state of one link, from MariaDB's view of it. */
    Health classify(LinkState l) {
        if (!l.applierRunning() && l.sqlErrno() != 0) {
            return Health.BROKEN;
        }
        if (!l.receiverRunning() && l.ioErrno() != 0 && !reachability(l.ioErrno())) {
            return Health.BROKEN;
        }
        if (!l.receiverRunning() || !l.applierRunning()) {
            return Health.DISCONNECTED;
        }
        if (l.secondsBehind() != null && l.secondsBehind() > lagSeconds) {
            return Health.LAGGING;
        }
        return Health.HEALTHY;
    }

    /** A missing row, a duplicate key, or the practice triggers' conflict signal (see dev.cusp.conflict). */
    private static boolean rowConflict(String detail) {
        return detail.startsWith("error 1032:") || detail.startsWith("error 1062:") || detail.startsWith("error 1644:");
    }

    /** Errors of the network or of a source that is down: the receiver retries by itself. */
    private static boolean reachability(int errno) {
        return errno == 2003 || errno == 2002 || errno == 2005 || errno == 2006 || errno == 2013 || errno == 2026
                || errno == 1158 || errno == 1159 || errno == 1160 || errno == 1161;
    }

    private String detail(LinkState l, Health h) {
        return switch (h) {
            case BROKEN -> "error " + l.lastErrno() + ": " + l.lastError();
            case DISCONNECTED -> l.receiverRunning() || l.applierRunning()
                    ? (l.lastErrno() != 0 ? "cannot reach the source (" + l.lastErrno() + ": " + l.lastError() + ")"
                    : "cannot reach the source; retrying every 2 s")
                    : "stopped by an administrator (STOP SLAVE)";
            case LAGGING -> l.secondsBehind() + " s behind (threshold " + lagSeconds + " s)";
            default -> "replicating";
        };
    }

    /**
     * Takes the links' current states. {@code peers}: every other active member, true if it is
     * writable; used to name the sites to write at and to find disconnected writers.
     */
    synchronized void update(List<LinkState> states, Map<String, Boolean> peers) {
        writablePeers = Map.copyOf(peers);
        otherSites = List.copyOf(peers.keySet());
        Instant now = Instant.now();
        Map<String, Link> seen = new LinkedHashMap<>();
        for (LinkState l : states) {
            Health h = classify(l);
            Link before = links.get(l.channel());
            Instant since = before != null && before.health() == h ? before.since() : now;
            seen.put(l.channel(), new Link(l.channel(), h, since, detail(l, h)));
        }
        links.clear();
        links.putAll(seen);
        for (Link l : seen.values()) {
            Alert a = active.get(l.source());
            if (l.health() == Health.HEALTHY) {
                if (a != null) {
                    clear(a, now);
                }
            } else if (a == null || !a.state().equals(l.health().label())) {
                if (a != null) {
                    clear(a, now);
                }
                raise(l);
            }
        }
        for (Alert a : List.copyOf(active.values())) {
            if (!seen.containsKey(a.link()) && !CHECK.equals(a.link())) {
                clear(a, now);
            }
        }
    }

    private void raise(Link l) {
        String fix = switch (l.health()) {
            case BROKEN -> (rowConflict(l.detail()) ? "usually nothing: a row conflict is resolved by the rule within"
                    + " seconds (conflicts.resolve=auto) and listed by 'cusp conflicts'. If it stays broken: " : "")
                    + "cusp reseed " + site + " (re-seeds this site from the most up-to-date peer; it refuses if"
                    + " this site holds changes no other site has)";
            case DISCONNECTED -> "nothing if " + l.source() + " is offline on purpose (a van on the road): it catches"
                    + " up when it returns. Otherwise check that " + l.source() + " runs ('cusp status' there) and that"
                    + " this site can reach its node";
            case LAGGING -> "usually nothing: it catches up by itself. If the lag keeps growing, check the load and"
                    + " the network at " + site;
            default -> "cusp check";
        };
        Alert a = new Alert(java.util.UUID.randomUUID().toString(), l.source(), l.health().label(), l.since(),
                "replication of " + site + " from " + l.source() + " is " + l.health().label() + ": " + l.detail(),
                fix, null);
        active.put(l.source(), a);
        LOG.warn("monitor: {} (fix: {})", a.message(), fix);
        notify("raised", a);
    }

    private void clear(Alert a, Instant now) {
        active.remove(a.link());
        Alert done = new Alert(a.id(), a.link(), a.state(), a.since(), a.message(), a.fix(), now);
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
                        .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build(),
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
        Alert n = new Alert(java.util.UUID.randomUUID().toString(), CHECK, Health.DIVERGED.label(), Instant.now(),
                "check at " + site + ": " + divergence, "cusp repair " + (tenants.size() == 1 ? tenants.iterator().next()
                + " " : "") + "--from SITE (the site whose data is right)", null);
        active.put(CHECK, n);
        LOG.warn("monitor: {} (fix: {})", n.message(), n.fix());
        notify("raised", n);
    }

    /** The site's state: its worst link's (or diverged after a check found differences), healthy when none. */
    public Health siteHealth() {
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

    /** Why writes are refused here, if they are: replication here is broken and fencing is on. */
    public Optional<String> fenced() {
        if (!fence) {
            return Optional.empty();
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
