package dev.cusp.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most one log line per key (e.g. a kind of refusal and a client address) per interval; the
 * lines held back are counted and reported once the interval is over. Whoever can open
 * connections can otherwise write to the site log as fast as the server refuses them, burying
 * what matters and filling the disk. Keys beyond {@code capacity} (an attacker with many
 * addresses) share one window per kind, so the limiter's memory is bounded too.
 */
final class LogLimiter {
    /** Lines held back for {@code key} during the interval that ended. */
    record Held(Object kind, Object key, long count) {
    }

    private record Key(Object kind, Object key) {
    }

    private static final class Window {
        final long start;
        long held;

        Window(long start) {
            this.start = start;
        }
    }

    /** Stands for every key refused a window of its own. */
    static final Object OTHERS = "other addresses";

    private final long intervalNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();

    LogLimiter(Duration interval, int capacity, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.capacity = capacity;
        this.nanoClock = nanoClock;
    }

    /**
     * True when a line for {@code key} may be written now (the first of its interval), false when
     * it is counted instead. {@code key} may come back as {@link #OTHERS} in {@link #sweep}.
     */
    boolean admit(Object kind, Object key) {
        long now = nanoClock.getAsLong();
        Key k = new Key(kind, key);
        if (!windows.containsKey(k) && windows.size() >= capacity) {
            k = new Key(kind, OTHERS);
        }
        boolean[] first = {false};
        windows.compute(k, (x, w) -> {
            if (w == null) {
                first[0] = true;
                return new Window(now);
            }
            w.held++;
            return w;
        });
        return first[0];
    }

    /** Ends every window older than the interval; returns those that held lines back. */
    List<Held> sweep() {
        long now = nanoClock.getAsLong();
        List<Held> held = new ArrayList<>();
        for (Key k : windows.keySet()) {
            windows.computeIfPresent(k, (x, w) -> {
                if (now - w.start < intervalNanos) {
                    return w;
                }
                if (w.held > 0) {
                    held.add(new Held(k.kind(), k.key(), w.held));
                }
                return null;
            });
        }
        return held;
    }

    /** Windows open now (they need a later {@link #sweep}). */
    boolean active() {
        return !windows.isEmpty();
    }
}
