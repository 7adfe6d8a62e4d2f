package dev.cusp.update;

import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.replication.GtidPos;
import dev.cusp.wire.PeerLink;
import dev.cusp.wire.UpdateInfo;
import dev.cusp.wire.UpdateVerified;
import dev.cusp.wire.UpdateVerify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold before an update touches anything, checked at every site: it answers, it
 * runs this Cusp version and carries the same practice migrations, nothing is fenced, every
 * link is healthy, and every site has applied every peer's transactions (GTID positions
 * waited on with {@code MASTER_GTID_WAIT}, never guessed from seconds).
 */
final class Preflight {
    static final int CATCH_UP_SECONDS = 60;

    private Preflight() {
    }

    /** Refuses with every reason at once; returns the sites' answers. */
    static List<UpdateSites.Reply> check(UpdateSites sites, String practiceLatest) {
        List<UpdateSites.Reply> infos = sites.each(UpdateLocal::info, "GET", "/api/v1/peer/update/info", null,
                Duration.ofSeconds(10));
        List<String> problems = new ArrayList<>();
        for (UpdateSites.Reply r : infos) {
            if (r.body() == null) {
                problems.add(r.error());
                continue;
            }
            UpdateInfo b = r.as(UpdateInfo.class);
            String v = b.version();
            if (!CuspVersion.VERSION.equals(v)) {
                problems.add("site " + r.site() + " runs Cusp " + v + ", this site " + CuspVersion.VERSION
                        + ": install Cusp " + CuspVersion.VERSION + " at " + r.site() + " first");
            }
            String p = b.practiceSchemaLatest();
            if (!practiceLatest.equals(p)) {
                problems.add("site " + r.site() + " carries practice schema migrations up to V" + p + ", this site up to"
                        + " V" + practiceLatest + ": give every site the same Cusp build and practice.migrations.extra");
            }
            if (b.seeding()) {
                problems.add("site " + r.site() + " is being seeded; wait until it is done");
            }
            if (b.fenced() != null) {
                problems.add("site " + r.site() + " is fenced: " + b.fenced());
            }
            for (PeerLink l : b.links()) {
                if (!"healthy".equals(l.state())) {
                    problems.add("site " + r.site() + ": the link from " + l.channel() + " is " + l.state()
                            + (l.detail() != null ? " (" + l.detail() + ")" : ""));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "update refused, nothing was changed: "
                    + String.join("; ", problems) + ". Fix these ('cusp status' shows the links) and run it again");
        }
        return infos;
    }

    /**
     * Every site waits until it has applied the newest transaction of every peer, so all of
     * them hold the same data before backups are taken and after the migration.
     */
    static String catchUp(UpdateSites sites, String why) {
        List<UpdateSites.Reply> infos = sites.each(UpdateLocal::info, "GET", "/api/v1/peer/update/info", null,
                Duration.ofSeconds(10));
        Map<Long, Long> seq = new HashMap<>();
        Map<Long, Long> server = new HashMap<>();
        for (UpdateSites.Reply r : infos) {
            if (r.body() == null) {
                throw new CuspException(ErrorCode.UNAVAILABLE, why + ": " + r.error());
            }
            if (!r.peer()) {
                continue;
            }
            String pos = r.as(UpdateInfo.class).gtidCurrentPos();
            GtidPos p = GtidPos.parse(pos == null ? "" : pos);
            p.seqByDomain().forEach((d, s) -> {
                if (s > seq.getOrDefault(d, -1L)) {
                    seq.put(d, s);
                    server.put(d, p.serverByDomain().get(d));
                }
            });
        }
        String target = new GtidPos(seq, server).toString();
        waitEverywhere(sites, target, why);
        return target;
    }

    /** Every site waits for {@code target}; fails naming the sites that did not reach it. */
    static List<UpdateSites.Reply> waitEverywhere(UpdateSites sites, String target, String why) {
        return waitEverywhere(sites, target, why, List.of());
    }

    static List<UpdateSites.Reply> waitEverywhere(UpdateSites sites, String target, String why, List<String> tenants) {
        UpdateVerify body = new UpdateVerify(target, CATCH_UP_SECONDS, tenants);
        List<UpdateSites.Reply> rs = sites.each(l -> l.verify(target, CATCH_UP_SECONDS, tenants), "POST",
                "/api/v1/peer/update/verify", body, Duration.ofSeconds(CATCH_UP_SECONDS + 30));
        List<String> late = new ArrayList<>();
        for (UpdateSites.Reply r : rs) {
            if (r.body() == null) {
                late.add(r.error());
            } else if (!r.as(UpdateVerified.class).reached()) {
                late.add("site " + r.site() + " did not reach GTID " + target + " within " + CATCH_UP_SECONDS + " s");
            }
        }
        if (!late.isEmpty()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, why + ": " + String.join("; ", late));
        }
        return rs;
    }
}
