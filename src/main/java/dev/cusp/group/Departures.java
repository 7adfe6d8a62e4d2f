package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.PeerMembership;
import dev.cusp.wire.SiteLeft;
import dev.cusp.wire.SiteRemoved;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Sites leaving the group: another site removed from here ({@code cusp site remove}), this
 * site told by a peer that it was removed, and this site leaving ({@code cusp leave}).
 */
final class Departures {
    private final Membership site;
    private final PeerClient peers;
    private final Reconciler reconciler;
    private final DataSource admin;

    Departures(Membership site, PeerClient peers, Reconciler reconciler, DataSource admin) {
        this.site = site;
        this.peers = peers;
        this.reconciler = reconciler;
        this.admin = admin;
    }

    /** Removes another site from the group; its links stop everywhere within seconds. */
    SiteRemoved remove(String name) {
        if (name.equals(site.siteName())) {
            throw CuspException.invalid("name", "to take this site out of its group, use 'cusp leave'");
        }
        site.requireWritable("remove sites");
        Member gone = site.members().find(name).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "no site '" + name + "' in this group; 'cusp site list' shows the sites", "name"));
        List<String> moved = new ArrayList<>();
        if (gone.peer()) {
            for (Member r : site.members().all()) {
                if (name.equals(r.upstream())) {
                    reassign(r.name(), site.siteName());
                    moved.add(r.name());
                }
            }
        }
        site.members().delete(name);
        try {
            peers.call(gone, "POST", "/api/v1/peer/removed", Map.of(), Duration.ofSeconds(5));
        } catch (CuspException e) {
            Group.LOG.info("group: site {} did not hear of its removal ({}); it stops when it next replicates", name,
                    e.getMessage());
        }
        reconciler.reconcile();
        Group.LOG.info("group: removed site {}", name);
        return new SiteRemoved(name, moved);
    }

    private void reassign(String replica, String upstream) {
        try (Connection c = admin.getConnection(); var ps = c.prepareStatement(
                "UPDATE cusp.site SET upstream = ? WHERE name = ?")) {
            ps.setString(1, upstream);
            ps.setString(2, replica);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another site says it removed this one: stop replicating and stand alone, once that site,
     * asked at its recorded address, confirms it no longer lists this one. A stolen certificate
     * alone cannot detach a site: the real peer would still answer "member".
     */
    void removedByPeer(String by) {
        reconciler.locked(() -> {
            Member sender = site.member(by).orElseThrow(() -> new CuspException(ErrorCode.FORBIDDEN, "site " + by
                    + " is not in this replication group"));
            // Only a clear "not a member" detaches this site. Any refusal or error (503 while the
            // sender cannot check this site's certificate against its revocation list, an answer
            // that is not a PeerMembership) is "cannot confirm now", and this site stays.
            PeerMembership m;
            try {
                m = JsonMapping.read(peers.call(sender, "GET", "/api/v1/peer/membership", null, Duration.ofSeconds(5)),
                        PeerMembership.class);
            } catch (CuspException | IllegalArgumentException e) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "site " + by + " says it removed this site, but it"
                        + " cannot confirm at " + sender.url() + " (" + e.getMessage() + "); this site stays in the"
                        + " group");
            }
            if (m.member()) {
                Group.LOG.warn("group: a caller with site {}'s certificate said this site was removed, but {} still"
                        + " lists it; staying in the group", by, by);
                throw new CuspException(ErrorCode.CONFLICT, "site " + by + " still lists " + site.siteName()
                        + " as a member at " + sender.url() + "; the removal is not confirmed, so this site stays in"
                        + " the group");
            }
            Group.LOG.info("group: site {} removed this site from the group", by);
            reconciler.standalone("removed by " + by);
            return null;
        });
    }

    /** Takes this site out of its group: a peer records the departure, this site stands alone. */
    SiteLeft leave() {
        Member me = site.self();
        if (me == null) {
            throw new CuspException(ErrorCode.CONFLICT, "this site is not in a replication group");
        }
        String name = site.siteName();
        List<Member> others = site.members().all().stream().filter(m -> m.peer() && m.active()
                && !m.name().equals(name)).toList();
        String recordedBy = null;
        for (Member p : others) {
            try {
                peers.call(p, "POST", "/api/v1/peer/remove", Map.of("site", name), Duration.ofSeconds(10));
                recordedBy = p.name();
                break;
            } catch (CuspException e) {
                Group.LOG.info("group: {} could not record the departure: {}", p.name(), e.getMessage());
            }
        }
        if (recordedBy == null && !others.isEmpty()) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "no other peer of the group answers, so none can record"
                    + " that this site leaves; try again when one is reachable, or remove this site from another"
                    + " site later with 'cusp site remove " + name + "'");
        }
        reconciler.standalone("left the group");
        return new SiteLeft(name, true, recordedBy);
    }
}
