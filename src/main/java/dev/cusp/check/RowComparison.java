package dev.cusp.check;

import dev.cusp.wire.RowDifference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Compares the rows' CRCs of one key range as every site computed them. */
final class RowComparison {
    private RowComparison() {
    }

    /**
     * The rows whose CRC is not the same at every site (absent counts as a value), in key order:
     * the key, the sites that differ from the most common value (on a tie, from {@code own}'s),
     * and each site's CRC in hex or {@code missing}.
     */
    static List<RowDifference> differing(Map<String, Map<Long, Long>> bySite, String own) {
        TreeSet<Long> keys = new TreeSet<>();
        bySite.values().forEach(m -> keys.addAll(m.keySet()));
        List<RowDifference> out = new ArrayList<>();
        for (long k : keys) {
            Map<String, Long> crc = new TreeMap<>();
            bySite.forEach((site, m) -> crc.put(site, m.get(k)));
            if (crc.values().stream().distinct().count() > 1) {
                Map<String, String> shown = new TreeMap<>();
                crc.forEach((site, v) -> shown.put(site, v == null ? RowDifference.MISSING : Long.toHexString(v)));
                out.add(new RowDifference(k, outliers(crc, own), shown));
            }
        }
        return out;
    }

    /** The sites whose value is not the most common one (ties: not {@code own}'s). Null is "missing". */
    static List<String> outliers(Map<String, Long> crc, String own) {
        Map<Long, Integer> votes = new HashMap<>();
        crc.values().forEach(v -> votes.merge(v == null ? Long.MIN_VALUE : v, 1, Integer::sum));
        Long mine = crc.get(own);
        long ownKey = mine == null ? Long.MIN_VALUE : mine;
        long best = votes.entrySet().stream().max((a, b) -> a.getValue().equals(b.getValue())
                ? Boolean.compare(a.getKey() == ownKey, b.getKey() == ownKey)
                : Integer.compare(a.getValue(), b.getValue())).orElseThrow().getKey();
        List<String> out = new ArrayList<>();
        crc.forEach((site, v) -> {
            if ((v == null ? Long.MIN_VALUE : v) != best) {
                out.add(site);
            }
        });
        return out;
    }
}
