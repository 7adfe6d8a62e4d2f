package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Jobs run at another site of the group on this site's request: a re-seed there, and its progress. */
final class RemoteJobs {
    private final Members members;
    private final PeerClient peers;

    RemoteJobs(Members members, PeerClient peers) {
        this.members = members;
        this.peers = peers;
    }

    /** Starts a re-seed at another site (it runs there); returns that site's job. */
    Map<String, Object> reseed(String site, String from, boolean discardLocal) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("discard_local", discardLocal);
        return at(site, peers.call(member(site), "POST", "/api/v1/peer/reseed", body, Duration.ofSeconds(30)));
    }

    /** A job running at another site of the group. */
    Map<String, Object> job(String site, String jobId) {
        Member m = member(site);
        if (!jobId.matches("[0-9a-f-]{36}")) {
            throw CuspException.invalid("id", "not a job id");
        }
        return at(site, peers.call(m, "GET", "/api/v1/peer/jobs/" + jobId, null, Duration.ofSeconds(10)));
    }

    private Member member(String site) {
        return members.find(site).orElseThrow(() -> new CuspException(ErrorCode.NOT_FOUND,
                "no site '" + site + "' in this group", "site"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(String site, JsonNode job) {
        Map<String, Object> out = dev.cusp.base.JsonMapping.MAPPER.convertValue(job, LinkedHashMap.class);
        out.put("site", site);
        return out;
    }
}
