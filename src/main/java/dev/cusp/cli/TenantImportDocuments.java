package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.FolderImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant import-documents NAME DIR}: a thin client of the admin API's import job. */
@Command(name = "import-documents", mixinStandardHelpOptions = true, description = "Bring an existing A-to-Z"
        + " folder (letter folders, one folder per patient: last name + first name + number) into a practice."
        + " Patients are matched by number, else by unique name, else the files are kept unfiled. Running it again"
        + " adds nothing new. DIR is on the site's machine, in HOME/backups or a folder document.paths.allowed lists.")
public final class TenantImportDocuments implements Callable<Integer> {
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
        out.println("Importing " + dir.toAbsolutePath() + " into " + name + ":");
        JsonNode job = client.post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/documents/import",
                Map.of("dir", dir.toAbsolutePath().toString()));
        FolderImport.Report r = JobWatcher.result(client, job, null, out, false, FolderImport.Report.class);
        out.printf("Imported %,d files (%s): %,d added, %,d already there, %,d skipped.%n", r.files(),
                Output.size(r.bytes()), r.added(), r.alreadyThere(), r.skipped());
        out.printf("Patient folders: %,d matched by number, %,d by name, %,d unmatched (%,d files kept in category"
                + " 'unfiled').%n", r.foldersByNumber(), r.foldersByName(), r.foldersUnfiled(), r.unfiledFiles());
        for (String f : r.unmatchedFolders()) {
            out.println("  unmatched: " + f);
        }
        return 0;
    }
}
