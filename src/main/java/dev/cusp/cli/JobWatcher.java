package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.PrintWriter;

/** Follows a job the site runs (join, re-seed): prints each step once, and progress now and then. */
final class JobWatcher {
    private JobWatcher() {
    }

    /** Polls until the job ends; returns its final description, or throws its error. */
    static JsonNode follow(AdminClient client, JsonNode job, String site, PrintWriter out, boolean quiet) {
        String id = job.path("id").asText();
        String path = "/api/v1/admin/jobs/" + id + (site == null ? "" : "?site=" + site);
        int shown = 0;
        long lastProgress = 0;
        JsonNode j = job;
        while (true) {
            JsonNode steps = j.path("steps");
            for (; shown < steps.size(); shown++) {
                if (!quiet) {
                    out.println("  " + steps.get(shown).asText());
                    out.flush();
                }
            }
            JsonNode p = j.path("progress");
            if (!quiet && p.has("files_total") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                long eta = p.path("eta_seconds").asLong(-1);
                out.printf("    %,d of %,d files, %s of %s, %s/s%s%n", p.path("files").asLong(),
                        p.path("files_total").asLong(), Output.size(p.path("bytes").asLong()),
                        Output.size(p.path("bytes_total").asLong()), Output.size(p.path("bytes_per_second").asLong()),
                        eta >= 0 ? ", about " + eta + " s left" : "");
                out.flush();
            } else if (!quiet && p.has("bytes") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                long est = p.path("estimated_bytes").asLong(-1);
                long eta = p.path("eta_seconds").asLong(-1);
                out.printf("    %s copied, ~%,d rows%s%s%n", Output.size(p.path("bytes").asLong()),
                        p.path("rows").asLong(), est > 0 ? " of ~" + Output.size(est) + " on disk" : "",
                        eta >= 0 ? ", about " + eta + " s left" : "");
                out.flush();
            } else if (!quiet && p.has("chunks") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                out.printf("    %d of %d tables, %,d chunks, %,d rows (%,d rows/s), %d difference(s) so far%n",
                        p.path("tables_done").asInt(), p.path("tables").asInt(), p.path("chunks").asLong(),
                        p.path("rows").asLong(), p.path("rows_per_second").asLong(), p.path("differences").asInt());
                out.flush();
            }
            String state = j.path("state").asText();
            if (state.equals("succeeded")) {
                return j;
            }
            if (state.equals("failed")) {
                JsonNode e = j.path("error");
                throw new CuspException(ErrorCode.fromName(e.path("code").asText()), e.path("message").asText(),
                        e.path("field").isMissingNode() ? null : e.path("field").asText());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CuspException(ErrorCode.INTERNAL, "interrupted; the job " + id + " goes on in the site");
            }
            j = client.get(path);
        }
    }
}
