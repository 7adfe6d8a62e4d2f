package dev.cusp.group;

import dev.cusp.group.Monitor.Alert;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts of a site: those active now, by key (a link's source, {@code check}, or a site
 * alert's key), and the last {@value #KEEP_CLEARED} cleared. Each raise and clear is logged and
 * sent to the webhook. A site alert may hold this site's writes (a clone, a roll-back, errant
 * transactions); the {@link WritePolicy} reads those holds.
 */
final class Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    static final int KEEP_CLEARED = 50;

    private final WebhookNotifier webhook;
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final Deque<Alert> cleared = new ArrayDeque<>();
    private final Set<String> siteKeys = ConcurrentHashMap.newKeySet();
    /** Site alerts that hold this site's writes: key to reason. */
    private final Map<String, String> holds = new ConcurrentHashMap<>();

    Alerts(WebhookNotifier webhook) {
        this.webhook = webhook;
    }

    Alert active(String key) {
        return active.get(key);
    }

    /** Raises a new alert under its link key, replacing nothing (the caller cleared the old one). */
    synchronized void raise(Alert a) {
        active.put(a.link(), a);
        LOG.warn("monitor: {} (fix: {})", a.message(), a.fix());
        webhook.send("raised", a);
    }

    /** Moves an active alert to the cleared history. */
    synchronized void clear(Alert a, Instant now) {
        active.remove(a.link());
        Alert done = new Alert(a.id(), a.link(), a.state(), a.code(), a.since(), a.message(), a.fix(), now);
        cleared.addFirst(done);
        while (cleared.size() > KEEP_CLEARED) {
            cleared.removeLast();
        }
        LOG.info("monitor: cleared: {}", a.message());
        webhook.send("cleared", done);
    }

    /** Clears the link alerts whose link is gone; check and site alerts stay until cleared by name. */
    synchronized void clearGone(Set<String> links, String checkKey, Instant now) {
        for (Alert a : List.copyOf(active.values())) {
            if (!links.contains(a.link()) && !checkKey.equals(a.link()) && !siteKeys.contains(a.link())) {
                clear(a, now);
            }
        }
    }

    /** See {@link Monitor#siteAlert(String, Fault, String, String, boolean)}. */
    synchronized void site(String key, Fault f, String message, String fix, boolean holdsWritesHere) {
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
        siteKeys.add(key);
        raise(new Alert(UUID.randomUUID().toString(), key, holdsWritesHere ? Monitor.Health.BROKEN.label()
                : "warning", f.code(), Instant.now(), message, fix, null));
    }

    synchronized void clearSite(String key) {
        holds.remove(key);
        Alert a = active.get(key);
        if (a != null) {
            clear(a, Instant.now());
        }
    }

    /** Clears every site alert whose key starts with {@code prefix} and is not in {@code keep}. */
    synchronized void clearSites(String prefix, Set<String> keep) {
        for (String k : List.copyOf(active.keySet())) {
            if (k.startsWith(prefix) && siteKeys.contains(k) && !keep.contains(k)) {
                clearSite(k);
            }
        }
    }

    /** The codes of the site alerts active now (not the links'), by key. */
    Map<String, String> siteFaults() {
        Map<String, String> out = new TreeMap<>();
        active.forEach((k, a) -> {
            if (siteKeys.contains(k) && a.code() != null) {
                out.put(k, a.code());
            }
        });
        return out;
    }

    /** True while a site alert holds this site's writes. */
    boolean holding() {
        return !holds.isEmpty();
    }

    /** Why a site alert holds this site's writes, if one does. */
    Optional<String> hold() {
        return holds.values().stream().findFirst();
    }

    List<dev.cusp.wire.Alert> list(boolean withCleared) {
        List<dev.cusp.wire.Alert> out = new ArrayList<>();
        active.values().forEach(a -> out.add(a.view()));
        if (withCleared) {
            synchronized (this) {
                cleared.forEach(a -> out.add(a.view()));
            }
        }
        return out;
    }
}
