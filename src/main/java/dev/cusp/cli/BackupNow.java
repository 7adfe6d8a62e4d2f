package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupSummary;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cusp backup now TENANT|--all}. */
@Command(name = "now", mixinStandardHelpOptions = true, description = "Back up TENANT now (or every practice in turn"
        + " with --all), in the backup folder, as the schedule does; kept until deleted (retention deletes only"
        + " scheduled backups).")
public final class BackupNow implements Callable<Integer> {
    @Mixin
    BackupTarget target;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(target.home.site());
        PrintWriter out = target.out();
        JsonNode r = client.post("/api/v1/admin/backups", target.request(null));
        if (target.all()) {
            return target.followAll(client, r) ? 0 : 1;
        }
        if (target.json) {
            Output.json(out, r);
            return 0;
        }
        BackupSummary b = AdminClient.read(r, BackupSummary.class);
        out.println("Backed up " + b.tenant() + ": backup " + b.id() + ", " + Output.size(b.bytes()) + " in "
                + b.elapsedMillis() + " ms (writers held " + b.lockMillis() + " ms), " + b.folder());
        return 0;
    }
}
