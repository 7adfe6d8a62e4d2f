package dev.cusp.group;

import dev.cusp.replication.LinkState;
import dev.cusp.wire.CheckDifference;
import dev.cusp.wire.CheckReport;
import dev.cusp.wire.RowDifference;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches this site's replication links (every reconcile, 2 s): gives each link and the site
 * one state, raises an alert when a link leaves the healthy state and clears it when it comes
 * back, and decides the two protections built on those states: fencing (writes refused while
 * replication here is broken) and the deletion guard (destructive operations refused while a
 * writable peer is disconnected). Alerts go to the API, the log and an optional webhook.
 *
 * <p>A link's state and fault come from {@link LinkHealth} (a pure function of what MariaDB
 * shows, keyed by error number) and name a {@link Fault} of the catalogue; every alert carries
 * the fault's code and fixing command. The parts: {@link LinkTracker} (what each link shows,
 * look after look), {@link Alerts} (active and cleared, with {@link WebhookNotifier}), and
 * {@link WritePolicy} (fencing and the deletion guard, as decisions).
 */
public final class Monitor {

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
        /** The alert as the API, the status answer and the webhook show it. */
        dev.cusp.wire.Alert view() {
            return new dev.cusp.wire.Alert(id, link, state, code, since.toString(), message, fix,
                    clearedAt == null ? null : clearedAt.toString());
        }
    }

    private static final String CHECK = "check";

    private final String site;
    private final LinkTracker tracker;
    private final Alerts alerts;
    private final WritePolicy policy;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private volatile Map<String, Boolean> writablePeers = Map.of();
    private volatile String divergence;

    public Monitor(String site, int lagSeconds, boolean fence, String webhook) {
        this(site, lagSeconds, DEFAULT_STUCK_SECONDS, fence, webhook);
    }

    /** Seconds an applier may sit still while changes wait before it is reported stuck (monitor.stuck.seconds). */
    public static final int DEFAULT_STUCK_SECONDS = 8;

    public Monitor(String site, int lagSeconds, int stuckSeconds, boolean fence, String webhook) {
        this.site = site;
        this.tracker = new LinkTracker(new LinkHealth.Limits(lagSeconds, stuckSeconds));
        this.alerts = new Alerts(new WebhookNotifier(site, webhook));
        this.policy = new WritePolicy(site, fence, new WritePolicy.Facts() {
            @Override
            public java.util.Collection<Link> links() {
                return links.values();
            }

            @Override
            public Optional<String> hold() {
                return alerts.hold();
            }

            @Override
            public Map<String, Boolean> writablePeers() {
                return writablePeers;
            }
        });
    }

    /**
     * The reconciler is about to mend a link (restart it after an error): the error it saw is
     * remembered, so the look right after the restart, which finds no error yet, does not read
     * as healthy.
     */
    synchronized void beforeMend(LinkState l) {
        tracker.beforeMend(l);
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
        writablePeers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        Instant now = Instant.now();
        Map<String, Link> seen = tracker.look(states, holds, Map.copyOf(links), now);
        links.clear();
        links.putAll(seen);
        for (Link l : seen.values()) {
            Alert a = alerts.active(l.source());
            if (l.health() == Health.HEALTHY) {
                if (a != null) {
                    alerts.clear(a, now);
                }
            } else if (a == null || !a.state().equals(l.health().label()) || !java.util.Objects.equals(a.code(),
                    l.code())) {
                if (a != null) {
                    alerts.clear(a, now);
                }
                raise(l);
            }
        }
        alerts.clearGone(seen.keySet(), CHECK, now);
    }

    private void raise(Link l) {
        alerts.raise(new Alert(java.util.UUID.randomUUID().toString(), l.source(), l.health().label(), l.code(),
                l.since(), "replication of " + site + " from " + l.source() + " is " + l.health().label() + " ("
                + l.code() + "): " + l.detail() + ". Why: " + l.fault().explanation(site, l.source()),
                l.fault().fix(site, l.source()), null));
    }

    /**
     * Takes the report of a check run at this site ({@code cusp check}, or the re-check after a
     * repair): differing rows raise a "diverged" alert naming the sites and the fix; a clean
     * report clears it.
     */
    public synchronized void checked(CheckReport report) {
        Alert a = alerts.active(CHECK);
        if (report.clean()) {
            if (a != null) {
                alerts.clear(a, Instant.now());
            }
            divergence = null;
            return;
        }
        java.util.Set<String> sites = new java.util.TreeSet<>();
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        for (CheckDifference d : report.differences() == null ? List.<CheckDifference>of() : report.differences()) {
            tenants.add(String.valueOf(d.tenant()));
            for (RowDifference row : d.rows() == null ? List.<RowDifference>of() : d.rows()) {
                if (row.differsAt() != null) {
                    sites.addAll(row.differsAt());
                }
            }
        }
        divergence = report.differingRows() + " row(s) differ in tenant(s) " + String.join(", ", tenants)
                + (sites.isEmpty() ? "" : " at " + String.join(", ", sites));
        if (a != null) {
            alerts.clear(a, Instant.now());
        }
        alerts.raise(new Alert(java.util.UUID.randomUUID().toString(), CHECK, Health.DIVERGED.label(),
                Fault.DATA_DIVERGED.code(), Instant.now(),
                "check at " + site + ": " + divergence, "cusp repair " + (tenants.size() == 1 ? tenants.iterator().next()
                + " " : "") + "--from SITE (the site whose data is right)", null));
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
        alerts.site(key, f, message, fix, holdsWritesHere);
    }

    public synchronized void clearSiteAlert(String key) {
        alerts.clearSite(key);
    }

    /** Clears every site alert whose key starts with {@code prefix} and is not in {@code keep}. */
    synchronized void clearSiteAlerts(String prefix, java.util.Set<String> keep) {
        alerts.clearSites(prefix, keep);
    }

    /** The codes of the site alerts active now (not the links'), by key: for /metrics. */
    public Map<String, String> siteFaults() {
        return alerts.siteFaults();
    }

    /**
     * The site's state: broken while a fault of the site itself holds its writes, else its worst
     * link's (or diverged after a check found differences), healthy when none.
     */
    public Health siteHealth() {
        if (alerts.holding()) {
            return Health.BROKEN;
        }
        Health worst = links.values().stream().map(Link::health).max(Enum::compareTo).orElse(Health.HEALTHY);
        return divergence != null && worst.compareTo(Health.DIVERGED) < 0 ? Health.DIVERGED : worst;
    }

    public Map<String, Link> links() {
        return Map.copyOf(links);
    }

    public List<dev.cusp.wire.Alert> alerts(boolean withCleared) {
        return alerts.list(withCleared);
    }

    /** The fencing and deletion-guard decisions built on these links and alerts. */
    public WritePolicy writePolicy() {
        return policy;
    }

    /** See {@link WritePolicy#holdsWrites()}. */
    public boolean holdsWrites() {
        return policy.holdsWrites();
    }

    /** See {@link WritePolicy#fenced()}. */
    public Optional<String> fenced() {
        return policy.fenced();
    }

    /** See {@link WritePolicy#deletionGuard()}. */
    public Optional<String> deletionGuard() {
        return policy.deletionGuard();
    }

    /** See {@link WritePolicy#override}. */
    public dev.cusp.wire.GuardOverride override(Duration d, String reason) {
        return policy.override(d, reason);
    }

    /** See {@link WritePolicy#overrideReason()}. */
    public Optional<String> overrideReason() {
        return policy.overrideReason();
    }
}
