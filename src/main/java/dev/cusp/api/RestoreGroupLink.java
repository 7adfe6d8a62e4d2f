package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.group.Members;
import dev.cusp.group.PeerClient;
import dev.cusp.restore.RestoreGroup;
import dev.cusp.wire.SiteView;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A restore's view of the replication group, over the peer channel (see {@link RestoreGroup}). */
public final class RestoreGroupLink implements RestoreGroup {
    private final Group group;
    private final Members members;
    private final PeerClient peers;

    public RestoreGroupLink(Group group, Members members, PeerClient peers) {
        this.group = group;
        this.members = members;
        this.peers = peers;
    }

    private Member member(String site) {
        return members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND, "no site " + site
                + " in this group"));
    }

    @Override
    public List<String> others() {
        return members.all().stream().filter(m -> m.active() && !m.name().equals(group.siteName()))
                .map(Member::name).toList();
    }

    @Override
    public Optional<String> brokenLink() {
        // The group view as typed records: a renamed field breaks the build, not this check.
        for (SiteView s : group.status().sites()) {
            String name = s.name();
            if (!s.reachable()) {
                return Optional.of("site " + name + " cannot be reached (" + (s.error() == null ? "no answer" : s.error())
                        + "); bring it back, or take it out of the group with 'cusp site remove " + name + "'");
            }
            for (SiteView.Link l : s.links() == null ? List.<SiteView.Link>of() : s.links()) {
                String state = l.state() == null ? "" : l.state();
                if (!state.equals("healthy") && !state.equals("lagging")) {
                    return Optional.of("the link from " + l.channel() + " to " + name + " is " + state
                            + (l.detail() != null ? " (" + l.detail() + ")" : "")
                            + (l.fix() != null ? "; fix: " + l.fix() : "; see 'cusp status'"));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String hold(String site, String tenant, String fromGtid) {
        return heldPosition(peers.call(member(site), "POST", "/api/v1/peer/restore/hold", new RestoreRoutes.Hold(tenant,
                group.siteName(), fromGtid), Duration.ofMinutes(3)), site);
    }

    /**
     * A held site's position, read strictly: an answer without it fails the restore (which is
     * then undone) instead of reading as "nothing to wait for", which would swap the restored
     * tables in before that site's last changes had arrived.
     */
    static String heldPosition(JsonNode answer, String site) {
        try {
            String pos = JsonMapping.read(answer, RestoreRoutes.Held.class).gtidBinlogPos();
            return pos == null ? "" : pos;
        } catch (IllegalArgumentException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, site + " did not say how far it has written: "
                    + e.getMessage());
        }
    }

    @Override
    public void cutSuspended(String site, String tenant, String fromGtid) {
        peers.call(member(site), "POST", "/api/v1/peer/suspend/cut", new RestoreRoutes.Hold(tenant,
                group.siteName(), fromGtid), Duration.ofMinutes(3));
    }

    @Override
    public void apply(String site, RestoreOrder order) {
        peers.call(member(site), "POST", "/api/v1/peer/restore/apply", order, Duration.ofMinutes(30));
    }

    @Override
    public InputStream fetch(String site, String tenant, String path) throws IOException {
        HttpResponse<InputStream> r = peers.stream(member(site), "/api/v1/peer/restore/"
                + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/file?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new IOException(site + " answered " + r.statusCode() + " for " + path + ": " + body);
        }
        return r.body();
    }

}
