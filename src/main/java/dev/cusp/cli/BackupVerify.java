package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupVerification;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cusp backup verify TENANT [--backup ID] | --all}. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Verification drill: load TENANT's newest"
        + " backup (or --backup ID; --all: every practice's newest) into a scratch database, check every file"
        + " against its manifest, run the maintenance checks and count every table's rows against the manifest,"
        + " drop the copy and record the result on the backup. Exit code 9 when a drill fails.")
public final class BackupVerify implements Callable<Integer> {
    /** Exit code of a failed drill: a finding, as {@code cusp check}'s differences. */
    static final int FAILED = 9;
    @Mixin
    BackupTarget target;
    @Option(names = "--backup", paramLabel = "ID", description = "This backup of TENANT (see cusp backup list).")
    String backup;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(target.home.site());
        PrintWriter out = target.out();
        JsonNode job = client.post("/api/v1/admin/backups/verify", target.request(backup));
        if (target.all()) {
            return target.followAll(client, job) ? 0 : FAILED;
        }
        JsonNode result = JobWatcher.follow(client, job, null, out, target.json).result();
        if (target.json) {
            Output.json(out, result);
        }
        BackupVerification r = AdminClient.read(result, BackupVerification.class);
        if (target.json) {
            return r.ok() ? 0 : FAILED;
        }
        if (r.ok()) {
            out.println("Verified " + target.tenant() + ": every file matches its manifest, " + r.rows().size()
                    + " tables hold the recorded rows, the maintenance checks ran (" + r.elapsedMillis() + " ms).");
        } else {
            out.println("Backup of " + target.tenant() + " FAILED its drill:");
            r.problems().forEach(p -> out.println("  " + p));
        }
        return r.ok() ? 0 : FAILED;
    }
}
