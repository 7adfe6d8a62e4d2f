package dev.cusp.maintenance;

import dev.cusp.wire.DbmMethodReport;
import dev.cusp.wire.DbmSiteResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's check results at every site, compared method by method: a method <i>agrees</i>
 * when every site found the same keys (same count, same digest of every key), <i>differs</i>
 * when two sites found different ones, and is <i>incomplete</i> when a site could not answer:
 * a site that was not heard is never taken for agreement.
 */
final class Comparison {
    static final String AGREE = "agree";
    static final String DIFFER = "differ";
    static final String INCOMPLETE = "incomplete";

    private final List<MaintenanceMethod> methods;
    /** Per site (in order): its findings by method, or null when it failed. */
    private final Map<String, Map<String, Finding>> results = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    Comparison(List<MaintenanceMethod> methods) {
        this.methods = methods;
    }

    void answered(String site, Map<String, Finding> findings) {
        results.put(site, findings);
    }

    void failed(String site, String why) {
        results.put(site, null);
        errors.put(site, why);
    }

    String state(MaintenanceMethod m) {
        if (!errors.isEmpty()) {
            return INCOMPLETE;
        }
        return results.values().stream().map(r -> r.get(m.name()).digest()).distinct().count() <= 1 ? AGREE : DIFFER;
    }

    /**
     * The sites whose finding is not the one most sites share (on a tie, the one the first site,
     * this site, has).
     */
    List<String> differingSites(MaintenanceMethod m) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        results.forEach((site, r) -> {
            if (r != null) {
                votes.merge(r.get(m.name()).digest(), 1, Integer::sum);
            }
        });
        String common = null;
        for (var e : votes.entrySet()) {
            if (common == null || e.getValue() > votes.get(common)) {
                common = e.getKey();
            }
        }
        List<String> out = new ArrayList<>();
        for (var e : results.entrySet()) {
            if (e.getValue() != null && !e.getValue().get(m.name()).digest().equals(common)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    List<MaintenanceMethod> differing() {
        return methods.stream().filter(m -> DIFFER.equals(state(m))).toList();
    }

    boolean incomplete() {
        return !errors.isEmpty();
    }

    Map<String, String> errors() {
        return errors;
    }

    /** The most rows any site found for a method. */
    long found(MaintenanceMethod m) {
        return results.values().stream().filter(r -> r != null).mapToLong(r -> r.get(m.name()).count()).max()
                .orElse(0);
    }

    List<DbmMethodReport> report() {
        List<DbmMethodReport> out = new ArrayList<>();
        for (MaintenanceMethod m : methods) {
            Map<String, DbmSiteResult> at = new LinkedHashMap<>();
            results.forEach((site, r) -> at.put(site, r == null ? DbmSiteResult.failed(errors.get(site))
                    : DbmSiteResult.of(r.get(m.name()).describe())));
            out.add(new DbmMethodReport(m.name(), m.replicationSafe(), state(m), at,
                    DIFFER.equals(state(m)) ? differingSites(m) : List.of()));
        }
        return out;
    }
}
