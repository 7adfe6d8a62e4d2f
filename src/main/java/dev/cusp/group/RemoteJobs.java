package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.PeerReseedRequest;
import java.time.Duration;

/** Jobs run at another site of the group on this site's request: a re-seed there, and its progress. */
final class RemoteJobs {
    private final Members members;
    private final PeerClient peers;

    RemoteJobs(Members members, PeerClient peers) {
        this.members = members;
        this.peers = peers;
    }

    /** Starts a re-seed at another site (it runs there); returns that site's job, named as running there. */
    JobStatus reseed(String site, String from, boolean discardLocal) {
        return at(site, peers.call(member(site), "POST", "/api/v1/peer/reseed", new PeerReseedRequest(from,
                discardLocal), Duration.ofSeconds(30)));
    }

    /** A job running at another site of the group. */
    JobStatus job(String site, String jobId) {
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

    /** That site's answer as a job; one this site cannot read is said, not relayed half-empty. */
    private static JobStatus at(String site, com.fasterxml.jackson.databind.JsonNode job) {
        try {
            return JsonMapping.read(job, JobStatus.class).at(site);
        } catch (IllegalArgumentException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "site " + site + " answered a job this site cannot read ("
                    + e.getMessage() + "); is it running another version of Cusp?");
        }
    }
}
