package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * NAME DIR of {@code cusp tenant import-documents} and {@code export-documents}, and their run:
 * a job of the admin API on a folder of the site's machine, followed to its report.
 */
final class DocumentFolderJob {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Runs {@code /admin/tenants/NAME/documents/WHAT} on DIR and reads the job's report into {@code report}. */
    <T> T run(String what, Class<T> report) {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode job = client.post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/documents/" + what,
                Map.of("dir", dir.toAbsolutePath().toString()));
        return JobWatcher.result(client, job, null, out(), false, report);
    }
}
