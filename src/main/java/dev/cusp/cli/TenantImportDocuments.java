package dev.cusp.cli;

import dev.cusp.document.FolderImport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cusp tenant import-documents NAME DIR}: a thin client of the admin API's import job. */
@Command(name = "import-documents", mixinStandardHelpOptions = true, description = "Bring an existing A-to-Z"
        + " folder (letter folders, one folder per patient: last name + first name + number) into a practice."
        + " Patients are matched by number, else by unique name, else the files are kept unfiled. Running it again"
        + " adds nothing new. DIR is on the site's machine, in HOME/backups or a folder document.paths.allowed lists.")
public final class TenantImportDocuments implements Callable<Integer> {
    @Mixin
    DocumentFolderJob folder;

    @Override
    public Integer call() {
        PrintWriter out = folder.out();
        out.println("Importing " + folder.dir.toAbsolutePath() + " into " + folder.name + ":");
        FolderImport.Report r = folder.run("import", FolderImport.Report.class);
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
