package dev.cusp.replication;

import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position ({@code domain-server-seq,...}, one entry per domain), compared per
 * domain by sequence number. Used to pick the most up-to-date source, to tell whether a site
 * holds transactions no other site has, and to measure lag in transactions.
 */
public record GtidPos(Map<Long, Long> seqByDomain, Map<Long, Long> serverByDomain) {

    public static GtidPos parse(String text) {
        Map<Long, Long> seq = new TreeMap<>();
        Map<Long, Long> server = new TreeMap<>();
        if (text != null) {
            for (String part : text.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                String[] f = p.split("-");
                if (f.length != 3) {
                    throw new IllegalArgumentException("not a GTID: " + p);
                }
                long d = Long.parseLong(f[0]);
                long n = Long.parseLong(f[2]);
                if (!seq.containsKey(d) || seq.get(d) < n) {
                    seq.put(d, n);
                    server.put(d, Long.parseLong(f[1]));
                }
            }
        }
        return new GtidPos(seq, server);
    }

    public long seq(long domain) {
        return seqByDomain.getOrDefault(domain, 0L);
    }

    /** True when this position has reached {@code other} in every domain {@code other} names. */
    public boolean covers(GtidPos other) {
        return other.seqByDomain.entrySet().stream().allMatch(e -> seq(e.getKey()) >= e.getValue());
    }

    /** How many transactions this position lacks to reach {@code other}, summed over domains. */
    public long behind(GtidPos other) {
        long n = 0;
        for (var e : other.seqByDomain.entrySet()) {
            n += Math.max(0, e.getValue() - seq(e.getKey()));
        }
        return n;
    }

    /** The sum of sequence numbers: a rough measure of how much history a position holds. */
    public long total() {
        return seqByDomain.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (var e : seqByDomain.entrySet()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(e.getKey()).append('-').append(serverByDomain.get(e.getKey())).append('-').append(e.getValue());
        }
        return b.toString();
    }
}
