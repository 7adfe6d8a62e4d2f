package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode r = BackupNow.resultOf(JobWatcher.follow(client, job, null, out, false));
        out.printf("Imported %,d files (%s): %,d added, %,d already there, %,d skipped.%n", r.path("files").asLong(),
                Output.size(r.path("bytes").asLong()), r.path("added").asLong(), r.path("already_there").asLong(),
                r.path("skipped").asLong());
        out.printf("Patient folders: %,d matched by number, %,d by name, %,d unmatched (%,d files kept in category"
                + " 'unfiled').%n", r.path("folders_by_number").asInt(), r.path("folders_by_name").asInt(),
                r.path("folders_unfiled").asInt(), r.path("unfiled_files").asLong());
        for (JsonNode f : r.path("unmatched_folders")) {
            out.println("  unmatched: " + f.asText());
        }
        return 0;
    }
}
