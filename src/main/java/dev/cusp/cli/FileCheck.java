package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.docsync.FileReport;
import java.io.PrintWriter;
import dev.cusp.wire.CheckRequest;

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
        JsonNode job = client.post("/api/v1/admin/documents/" + what, new CheckRequest(tenant));
        return JobWatcher.follow(client, job, null, out, quiet).result();
    }

    /** The job's result as the site wrote it: a field it stops sending fails here instead of printing blank. */
    static FileReport.Group read(JsonNode result) {
        return AdminClient.read(result, FileReport.Group.class);
    }

    static void print(PrintWriter out, JsonNode result) {
        FileReport.Group r = read(result);
        int bad = 0;
        for (FileReport.Site s : r.sites()) {
            for (FileReport.Practice p : s.practices()) {
                for (String h : p.missing()) {
                    out.printf("  file %s of %s at %s: missing%n", h, p.tenant(), s.site());
                    bad++;
                }
                for (String h : p.corrupt()) {
                    out.printf("  file %s of %s at %s: corrupt (its bytes do not hash to its name)%n", h, p.tenant(),
                            s.site());
                    bad++;
                }
                if (p.refetched() > 0) {
                    out.printf("  %s at %s: %d file(s) fetched again from a good site%n", p.tenant(), s.site(),
                            p.refetched());
                }
            }
        }
        r.unreachable().forEach((site, why) -> out.printf("  site %s could not be asked: %s%n", site, why));
        out.printf("Files: %s at %d site(s)%n", bad == 0 && r.unreachable().isEmpty() ? "every file present and intact"
                : bad + " missing or corrupt", r.sites().size());
    }
}
