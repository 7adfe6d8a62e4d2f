package dev.cusp.update;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.replication.GtidPos;
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
            JsonNode b = r.body();
            String v = b.path("version").asText();
            if (!CuspVersion.VERSION.equals(v)) {
                problems.add("site " + r.site() + " runs Cusp " + v + ", this site " + CuspVersion.VERSION
                        + ": install Cusp " + CuspVersion.VERSION + " at " + r.site() + " first");
            }
            String p = b.path("practice_schema_latest").asText();
            if (!practiceLatest.equals(p)) {
                problems.add("site " + r.site() + " carries practice schema migrations up to V" + p + ", this site up to"
                        + " V" + practiceLatest + ": give every site the same Cusp build and practice.migrations.extra");
            }
            if (b.path("seeding").asBoolean()) {
                problems.add("site " + r.site() + " is being seeded; wait until it is done");
            }
            if (b.hasNonNull("fenced")) {
                problems.add("site " + r.site() + " is fenced: " + b.path("fenced").asText());
            }
            for (JsonNode l : b.path("links")) {
                if (!"healthy".equals(l.path("state").asText())) {
                    problems.add("site " + r.site() + ": the link from " + l.path("channel").asText() + " is "
                            + l.path("state").asText() + (l.hasNonNull("detail") ? " (" + l.path("detail").asText()
                            + ")" : ""));
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
            GtidPos p = GtidPos.parse(r.body().path("gtid_current_pos").asText(""));
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
        Map<String, Object> body = Map.of("wait_gtid", target, "timeout_seconds", CATCH_UP_SECONDS, "tenants", tenants);
        List<UpdateSites.Reply> rs = sites.each(l -> l.verify(target, CATCH_UP_SECONDS, tenants), "POST",
                "/api/v1/peer/update/verify", body, Duration.ofSeconds(CATCH_UP_SECONDS + 30));
        List<String> late = new ArrayList<>();
        for (UpdateSites.Reply r : rs) {
            if (r.body() == null) {
                late.add(r.error());
            } else if (!r.body().path("reached").asBoolean()) {
                late.add("site " + r.site() + " did not reach GTID " + target + " within " + CATCH_UP_SECONDS + " s");
            }
        }
        if (!late.isEmpty()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, why + ": " + String.join("; ", late));
        }
        return rs;
    }
}
