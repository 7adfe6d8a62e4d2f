package dev.cusp.job;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's long-running jobs, each on its own virtual thread. Only one job of a kind runs
 * at a time (two joins at once would fight over the node). Finished jobs are kept for an hour
 * so a client that lost its connection can still read the outcome.
 */
public final class Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Instant> finishedAt = new ConcurrentHashMap<>();

    public synchronized Job start(String kind, Function<Job, Object> work) {
        purge();
        for (Job j : jobs.values()) {
            if (j.kind().equals(kind) && "running".equals(j.state())) {
                throw new CuspException(ErrorCode.CONFLICT, "a " + kind + " is already running (job " + j.id()
                        + "); wait for it to finish");
            }
        }
        Job job = new Job(UUID.randomUUID().toString(), kind);
        jobs.put(job.id(), job);
        Thread.ofVirtual().name("job-" + kind).start(() -> {
            try {
                job.succeed(work.apply(job));
                LOG.info("job {} ({}): succeeded", job.id(), kind);
            } catch (CuspException e) {
                LOG.warn("job {} ({}): {}", job.id(), kind, e.getMessage());
                job.fail(e);
            } catch (RuntimeException e) {
                LOG.error("job {} ({}) failed", job.id(), kind, e);
                job.fail(new CuspException(ErrorCode.INTERNAL, kind + " failed: " + e.getMessage(), null, e));
            } finally {
                finishedAt.put(job.id(), Instant.now());
            }
        });
        return job;
    }

    public Job require(String id) {
        Job j = jobs.get(id);
        if (j == null) {
            throw new CuspException(ErrorCode.NOT_FOUND, "no job " + id + " on this site (jobs are kept for an hour"
                    + " after they finish, and not across restarts)", "id");
        }
        return j;
    }

    private void purge() {
        Instant cutoff = Instant.now().minus(Duration.ofHours(1));
        finishedAt.forEach((id, t) -> {
            if (t.isBefore(cutoff)) {
                jobs.remove(id);
                finishedAt.remove(id);
            }
        });
    }
}
