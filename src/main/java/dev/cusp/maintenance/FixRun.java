package dev.cusp.maintenance;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Member;
import dev.cusp.survey.Participant;
import dev.cusp.survey.PeerSurvey;
import dev.cusp.tenant.Tenant;
import dev.cusp.wire.DbmFixReport;
import dev.cusp.wire.DbmFixed;
import dev.cusp.wire.DbmPeerFix;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cusp dbm fix}: the documented ritual, enforced. Every prerequisite is checked before
 * anything changes: the methods exist; replication-unsafe ones carry the site admin's override;
 * the fixing site is a writable peer; every active site answers, with replication running; and
 * every site finds exactly the same rows for every method. Then the fix runs at that ONE site
 * (binary log on) and replication carries it; the comparison is run again to show that every
 * site now finds nothing.
 */
public final class FixRun {
    private FixRun() {
    }

    public static DbmFixReport run(DbmService s, String tenant, List<String> names, String site,
                                          boolean allowUnsafe) {
        if (names == null || names.isEmpty()) {
            throw CuspException.invalid("methods", "name the methods to fix ('cusp dbm list' lists them; 'cusp dbm"
                    + " check' shows what each finds)");
        }
        List<MaintenanceMethod> methods = MethodCatalog.select(names, "methods");
        List<MaintenanceMethod> unsafe = methods.stream().filter(m -> !m.replicationSafe()).toList();
        if (!unsafe.isEmpty() && !allowUnsafe) {
            throw new CuspException(ErrorCode.FORBIDDEN, "not safe under replication: " + String.join("; ", unsafe
                    .stream().map(m -> m.name() + " (" + m.safety() + ")").toList()) + ". Nothing was changed; to run"
                    + " them anyway, as the site admin, add --allow-unsafe (it is written to the security log)",
                    "allow_unsafe");
        }
        Tenant t = s.active(tenant);
        if (s.fixing.putIfAbsent(t.name(), Boolean.TRUE) != null) {
            throw new CuspException(ErrorCode.CONFLICT, "a dbm fix of " + t.name() + " is already running at this"
                    + " site; wait for it to finish", "tenant");
        }
        try {
            return fix(s, t, methods, site);
        } finally {
            s.fixing.remove(t.name());
        }
    }

    private static DbmFixReport fix(DbmService s, Tenant t, List<MaintenanceMethod> methods, String site) {
        String target = target(s, site);
        PeerSurvey survey = s.survey(true);
        requireEverySite(survey, target);
        Comparison before = s.compare(t, methods, survey);
        if (!before.differing().isEmpty()) {
            survey = s.survey(true);
            requireEverySite(survey, target);
            before = s.compare(t, methods, survey);
        }
        if (before.incomplete()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "not every site could run the checks (" + before.errors()
                    + "); nothing was changed. Fix when every site answers ('cusp status')");
        }
        if (!before.differing().isEmpty()) {
            List<String> what = new ArrayList<>();
            for (MaintenanceMethod m : before.differing()) {
                what.add(m.name() + " (differs at " + String.join(", ", before.differingSites(m)) + ")");
            }
            throw new CuspException(ErrorCode.CONFLICT, "the sites find different rows for " + String.join(", ", what)
                    + ", so their data differ and a fix at one site would not make them equal; nothing was changed."
                    + " Run 'cusp check " + t.name() + "' to name the differing rows, then 'cusp repair " + t.name()
                    + " --from SITE' or 'cusp reseed SITE'", "methods");
        }
        List<DbmFixed> fixed = new ArrayList<>();
        for (MaintenanceMethod m : methods) {
            if (before.found(m) == 0) {
                fixed.add(new DbmFixed(m.name(), m.replicationSafe(), null, 0, null, null, "nothing found at any site"));
                continue;
            }
            if (!m.replicationSafe()) {
                DbmService.log().warn("tenant {}: dbm fix {} is not replication-safe; run at {} with the site admin's"
                        + " override", t.name(), m.name(), target);
            }
            DbmFixed r = fixAt(s, target, t.name(), m);
            if (r.found() != null && r.found().count() == 0) {
                r = r.withNote("nothing left: a method fixed earlier in this run cleared it");
            }
            fixed.add(r);
        }
        // The new survey includes the fixing site's position after the fix: every site waits for it.
        PeerSurvey after = s.survey(true);
        Comparison now = s.compare(t, methods, after);
        boolean clean = !now.incomplete() && now.differing().isEmpty()
                && methods.stream().allMatch(m -> now.found(m) == 0);
        return new DbmFixReport(t.name(), target, fixed, after.answering().stream().map(Participant::name).toList(),
                after.alignAt(), now.report(), clean);
    }

    private static DbmFixed fixAt(DbmService s, String target, String tenant, MaintenanceMethod m) {
        String by = "site admin at " + s.siteName;
        if (target.equals(s.siteName)) {
            return s.localFix(tenant, m.name(), !m.replicationSafe(), null);
        }
        Member peer = s.members.find(target).orElseThrow();
        return JsonMapping.read(s.peers.call(peer, "POST", "/api/v1/peer/dbm/fix", new DbmPeerFix(tenant, m.name(),
                !m.replicationSafe(), by), DbmService.CALL_TIMEOUT), DbmFixed.class);
    }

    /** The site that runs the fix: this one by default; a writable, active member when named. */
    private static String target(DbmService s, String site) {
        Member me = s.self();
        if (me != null && !me.peer()) {
            // Not at another site either: a fix there would be ordered with this site's certificate,
            // and a report replica's certificate orders no writes at other sites (PeerAccess on dbm/fix).
            throw new CuspException(ErrorCode.READ_ONLY, "this site is a read-only report replica: its database"
                    + " refuses writes, and a replica orders no writes at other sites; run the fix at a peer ("
                    + String.join(", ", peers(s)) + "), where --site names the site that runs it", "site");
        }
        if (site == null || site.isBlank() || site.equals(s.siteName)) {
            return s.siteName;
        }
        Member m = s.members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no site '" + site
                + "' in this group; 'cusp site list' shows the sites", "site"));
        if (!m.peer()) {
            throw new CuspException(ErrorCode.READ_ONLY, "site " + site + " is a read-only report replica: its database"
                    + " refuses writes; fix at a peer (" + String.join(", ", peers(s)) + ")", "site");
        }
        if (!m.active()) {
            throw new CuspException(ErrorCode.CONFLICT, "site " + site + " is still joining; fix at an active peer",
                    "site");
        }
        return site;
    }

    private static List<String> peers(DbmService s) {
        return s.members.all().stream().filter(m -> m.peer() && m.active()).map(Member::name).toList();
    }

    /** A fix relies on replication to reach every site: every active site must answer, every link run. */
    private static void requireEverySite(PeerSurvey survey, String target) {
        for (Participant p : survey.missing()) {
            if (p.member() != null && p.member().active() || p.name().equals(target)) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "site " + p.name() + " cannot be compared (" + p.problem()
                        + "); nothing was changed. Fix when every site answers ('cusp status')", "site");
            }
        }
        List<String> stopped = survey.stoppedLinks();
        if (!stopped.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "replication is not running everywhere (" + String.join(", ",
                    stopped) + "), so a fix could not reach every site; nothing was changed. Fix when 'cusp status'"
                    + " shows every link healthy");
        }
    }
}
