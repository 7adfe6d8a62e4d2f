package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.FolderExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant export-documents NAME DIR}: a thin client of the admin API's export job. */
@Command(name = "export-documents", mixinStandardHelpOptions = true, description = "Write a practice's documents"
        + " out as a plain A-to-Z folder with a manifest.sha256. DIR is a new folder on the site's machine, in"
        + " HOME/backups or a folder document.paths.allowed lists.")
public final class TenantExportDocuments implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Exporting " + name + " into " + dir.toAbsolutePath() + ":");
        JsonNode job = client.post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/documents/export",
                Map.of("dir", dir.toAbsolutePath().toString()));
        FolderExport.Report r = JobWatcher.result(client, job, null, out, false, FolderExport.Report.class);
        out.printf("Exported %,d files (%s) to %s; manifest %s.%n", r.files(), Output.size(r.bytes()), r.dir(),
                r.manifest());
        if (r.missing() > 0) {
            out.printf("%,d documents were left out: their content is not at this site yet.%n", r.missing());
        }
        return 0;
    }
}
