package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.wire.CheckProgress;
import dev.cusp.wire.ErrorBody;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.SeedProgress;
import dev.cusp.wire.TransferProgress;
import java.io.PrintWriter;

/** Follows a job the site runs (join, re-seed): prints each step once, and progress now and then. */
final class JobWatcher {
    private JobWatcher() {
    }

    /** Polls until the job ends; returns its final description, or throws its error. */
    static JobStatus follow(AdminClient client, JsonNode started, String site, PrintWriter out, boolean quiet) {
        JobStatus j = AdminClient.read(started, JobStatus.class);
        String id = j.id();
        String path = "/api/v1/admin/jobs/" + id + (site == null ? "" : "?site=" + site);
        int shown = 0;
        long lastProgress = 0;
        while (true) {
            for (; shown < j.steps().size(); shown++) {
                if (!quiet) {
                    out.println("  " + j.steps().get(shown));
                    out.flush();
                }
            }
            JsonNode p = j.progress();
            if (!quiet && p.has("files_total") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                TransferProgress t = AdminClient.read(p, TransferProgress.class);
                out.printf("    %,d of %,d files, %s of %s, %s/s%s%n", t.files(), t.filesTotal(),
                        Output.size(t.bytes()), Output.size(t.bytesTotal()), Output.size(t.bytesPerSecond()),
                        t.etaSeconds() >= 0 ? ", about " + t.etaSeconds() + " s left" : "");
                out.flush();
            } else if (!quiet && p.has("bytes") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                SeedProgress s = AdminClient.read(p, SeedProgress.class);
                out.printf("    %s copied, ~%,d rows%s%s%n", Output.size(s.bytes()), s.rows(),
                        s.estimatedBytes() > 0 ? " of ~" + Output.size(s.estimatedBytes()) + " on disk" : "",
                        s.etaSeconds() >= 0 ? ", about " + s.etaSeconds() + " s left" : "");
                out.flush();
            } else if (!quiet && p.has("chunks") && System.currentTimeMillis() - lastProgress > 2000) {
                lastProgress = System.currentTimeMillis();
                CheckProgress c = AdminClient.read(p, CheckProgress.class);
                out.printf("    %d of %d tables, %,d chunks, %,d rows (%,d rows/s), %d difference(s) so far%n",
                        c.tablesDone(), c.tables(), c.chunks(), c.rows(), c.rowsPerSecond(), c.differences());
                out.flush();
            }
            if (j.state().equals(JobStatus.SUCCEEDED)) {
                return j;
            }
            if (j.state().equals(JobStatus.FAILED)) {
                ErrorBody e = j.error();
                throw new CuspException(ErrorCode.fromName(e.code()), e.message(), e.field());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CuspException(ErrorCode.INTERNAL, "interrupted; the job " + id + " goes on in the site");
            }
            j = client.get(path, JobStatus.class);
        }
    }

    /** Follows the job to its end and reads its result into the record of the job's kind. */
    static <T> T result(AdminClient client, JsonNode started, String site, PrintWriter out, boolean quiet,
                        Class<T> type) {
        return AdminClient.read(follow(client, started, site, out, quiet).result(), type);
    }
}
