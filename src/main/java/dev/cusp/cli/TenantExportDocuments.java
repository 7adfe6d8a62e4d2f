package dev.cusp.cli;

import dev.cusp.document.FolderExport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cusp tenant export-documents NAME DIR}: a thin client of the admin API's export job. */
@Command(name = "export-documents", mixinStandardHelpOptions = true, description = "Write a practice's documents"
        + " out as a plain A-to-Z folder with a manifest.sha256. DIR is a new folder on the site's machine, in"
        + " HOME/backups or a folder document.paths.allowed lists.")
public final class TenantExportDocuments implements Callable<Integer> {
    @Mixin
    DocumentFolderJob folder;

    @Override
    public Integer call() {
        PrintWriter out = folder.out();
        out.println("Exporting " + folder.name + " into " + folder.dir.toAbsolutePath() + ":");
        FolderExport.Report r = folder.run("export", FolderExport.Report.class);
        out.printf("Exported %,d files (%s) to %s; manifest %s.%n", r.files(), Output.size(r.bytes()), r.dir(),
                r.manifest());
        if (r.missing() > 0) {
            out.printf("%,d documents were left out: their content is not at this site yet.%n", r.missing());
        }
        return 0;
    }
}
