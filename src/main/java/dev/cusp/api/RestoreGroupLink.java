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
        JsonNode st = JsonMapping.MAPPER.valueToTree(group.status());
        for (JsonNode s : st.path("sites")) {
            String name = s.path("name").asText();
            if (!s.path("reachable").asBoolean()) {
                return Optional.of("site " + name + " cannot be reached (" + s.path("error").asText("no answer")
                        + "); bring it back, or take it out of the group with 'cusp site remove " + name + "'");
            }
            for (JsonNode l : s.path("links")) {
                String state = l.path("state").asText();
                if (!state.equals("healthy") && !state.equals("lagging")) {
                    return Optional.of("the link from " + l.path("channel").asText() + " to " + name + " is " + state
                            + (l.path("detail").isTextual() ? " (" + l.path("detail").asText() + ")" : "")
                            + (l.path("fix").isTextual() ? "; fix: " + l.path("fix").asText() : "; see 'cusp status'"));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String hold(String site, String tenant, String fromGtid) {
        return peers.call(member(site), "POST", "/api/v1/peer/restore/hold", new RestoreRoutes.Hold(tenant,
                group.siteName(), fromGtid), Duration.ofMinutes(3)).path("gtid_binlog_pos").asText("");
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
