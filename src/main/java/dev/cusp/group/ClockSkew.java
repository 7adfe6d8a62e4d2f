package dev.cusp.group;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offset of each peer's clock from this site's, measured over the peer channel as NTP
 * does: a peer's answer carries its wall clock, read somewhere between the request leaving
 * ({@code t0}) and the answer arriving ({@code t1}), so the offset is
 * {@code peerTime - (t0 + t1) / 2}, wrong by at most half the round trip. Of the last few
 * samples the one with the shortest round trip is the best estimate.
 */
final class ClockSkew {
    static final int SAMPLES = 5;

    /** One measurement: offset and round trip, in milliseconds. */
    record Sample(long offsetMs, long rttMs) {
    }

    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();

    static Sample sample(long t0, long peerTime, long t1) {
        return new Sample(peerTime - (t0 + t1) / 2, Math.max(0, t1 - t0));
    }

    void add(String peer, Sample s) {
        Deque<Sample> d = samples.computeIfAbsent(peer, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(s);
            while (d.size() > SAMPLES) {
                d.removeFirst();
            }
        }
    }

    /** The best estimate for a peer (shortest round trip of the last samples), or null if none. */
    Sample best(String peer) {
        Deque<Sample> d = samples.get(peer);
        if (d == null) {
            return null;
        }
        synchronized (d) {
            return d.stream().min(java.util.Comparator.comparingLong(Sample::rttMs)).orElse(null);
        }
    }

    void retain(java.util.Set<String> peers) {
        samples.keySet().retainAll(peers);
    }

    /** Each peer's estimated offset in seconds (positive: its clock is ahead of this site's). */
    Map<String, Double> offsets() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (String p : samples.keySet()) {
            Sample s = best(p);
            if (s != null) {
                out.put(p, s.offsetMs() / 1000.0);
            }
        }
        return out;
    }
}
