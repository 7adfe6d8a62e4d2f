package dev.cusp.job;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.wire.ErrorBody;
import dev.cusp.wire.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Long work (a join, a re-seed) running in the site, watched by the CLI or the console: the
 * steps done so far, the current progress figures, and in the end a result or an error.
 */
public final class Job {
    private final String id;
    private final String kind;
    private final Instant started = Instant.now();
    private final List<String> steps = new ArrayList<>();
    private volatile Object progress = Map.of();
    private volatile String state = "running";
    private volatile Object result;
    private volatile CuspException error;
    private volatile Instant finished;

    Job(String id, String kind) {
        this.id = id;
        this.kind = kind;
    }

    public String id() {
        return id;
    }

    /** Records a step (shown once, in order). */
    public synchronized void step(String text) {
        steps.add(text);
        progress = Map.of();
    }

    /** Replaces the current progress figures (a {@link dev.cusp.wire.SeedProgress}, a {@link dev.cusp.wire.CheckProgress}). */
    public void progress(Object figures) {
        progress = figures;
    }

    void succeed(Object r) {
        result = r;
        state = "succeeded";
        finished = Instant.now();
    }

    void fail(CuspException e) {
        error = e;
        state = "failed";
        finished = Instant.now();
    }

    public String state() {
        return state;
    }

    public CuspException error() {
        return error;
    }

    public Object result() {
        return result;
    }

    public String kind() {
        return kind;
    }

    public synchronized JobStatus describe() {
        ErrorBody e = error == null ? null : new ErrorBody(error.code().name(), error.getMessage(), error.field());
        return new JobStatus(id, kind, state, started.toString(), finished == null ? null : finished.toString(),
                List.copyOf(steps), JsonMapping.MAPPER.valueToTree(progress),
                result == null ? null : JsonMapping.MAPPER.valueToTree(result), e, null);
    }
}
