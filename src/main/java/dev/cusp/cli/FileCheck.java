package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * The files half of {@code cusp check} and {@code cusp repair}: runs the group-wide files check
 * (or repair) as a job and prints, per site and practice, the files missing there and those
 * whose bytes do not hash to their name.
 */
final class FileCheck {
    private FileCheck() {
    }

    /** Runs {@code /api/v1/admin/documents/check} or {@code /repair}; returns the job's result. */
    static JsonNode run(AdminClient client, String what, String tenant, PrintWriter out, boolean quiet) {
        Map<String, Object> body = new HashMap<>();
        body.put("tenant", tenant);
        JsonNode job = client.post("/api/v1/admin/documents/" + what, body);
        return BackupNow.resultOf(JobWatcher.follow(client, job, null, out, quiet));
    }

    static void print(PrintWriter out, JsonNode r) {
        long files = 0;
        int bad = 0;
        for (JsonNode s : r.path("sites")) {
            for (JsonNode p : s.path("practices")) {
                files = Math.max(files, p.path("files").asLong());
                for (String kind : new String[] {"missing", "corrupt"}) {
                    for (JsonNode h : p.path(kind)) {
                        out.printf("  file %s of %s at %s: %s%n", h.asText(), p.path("tenant").asText(),
                                s.path("site").asText(), kind.equals("missing") ? "missing"
                                        : "corrupt (its bytes do not hash to its name)");
                        bad++;
                    }
                }
                if (p.path("refetched").asLong() > 0) {
                    out.printf("  %s at %s: %d file(s) fetched again from a good site%n", p.path("tenant").asText(),
                            s.path("site").asText(), p.path("refetched").asLong());
                }
            }
        }
        r.path("unreachable").fields().forEachRemaining(e -> out.printf("  site %s could not be asked: %s%n",
                e.getKey(), e.getValue().asText()));
        out.printf("Files: %s at %d site(s)%s%n", bad == 0 && r.path("unreachable").isEmpty() ? "every file present"
                + " and intact" : bad + " missing or corrupt", r.path("sites").size(), "");
    }
}
