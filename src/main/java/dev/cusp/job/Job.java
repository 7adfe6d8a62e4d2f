package dev.cusp.job;

import dev.cusp.error.CuspException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private volatile Map<String, Object> progress = Map.of();
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

    /** Replaces the current progress figures (bytes, rows, eta...). */
    public void progress(Map<String, Object> figures) {
        progress = Map.copyOf(figures);
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

    public synchronized Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("state", state);
        m.put("started_at", started.toString());
        m.put("finished_at", finished == null ? null : finished.toString());
        m.put("steps", List.copyOf(steps));
        m.put("progress", progress);
        if (result != null) {
            m.put("result", result);
        }
        if (error != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("code", error.code().name());
            e.put("message", error.getMessage());
            if (error.field() != null) {
                e.put("field", error.field());
            }
            m.put("error", e);
        }
        return m;
    }
}
