package dev.cusp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.backup.BackupList;
import dev.cusp.backup.BackupSummary;
import dev.cusp.base.JsonMapping;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp backup list [TENANT]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "The backups of TENANT (default: every"
        + " practice): time, size, method, kind, whether a drill verified it; and the schedules.")
public final class BackupListCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "TENANT")
    String tenant;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        JsonNode r = AdminClient.connect(home.site()).get("/api/v1/admin/backups"
                + (tenant == null ? "" : "?tenant=" + TenantPaths.segment(tenant)));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, r);
            return 0;
        }
        BackupList list = JsonMapping.MAPPER.treeToValue(r, BackupList.class);
        if (list.backups().isEmpty()) {
            out.println("No backups " + (tenant == null ? "yet" : "of " + tenant) + ": make one with 'cusp backup now "
                    + (tenant == null ? "TENANT" : tenant) + "'.");
        } else {
            out.printf("%-20s %-18s %-20s %10s %-10s %-9s %s%n", "TENANT", "ID", "TIME (UTC)", "SIZE", "METHOD", "KIND",
                    "VERIFIED");
            for (BackupSummary b : list.backups()) {
                out.printf("%-20s %-18s %-20s %10s %-10s %-9s %s%n", b.tenant(), b.id(),
                        b.createdAt().toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", ""),
                        Output.size(b.bytes()), b.method(), b.kind(), b.verified() == null ? "not yet"
                                : b.verified() ? "yes " + b.verifiedAt().toString().substring(0, 10)
                                : "FAILED: " + String.join("; ", b.problems()));
            }
        }
        var s = list.schedule();
        out.println("Backups: " + s.schedule() + (s.nextBackup() == null ? "" : " (next " + s.nextBackup() + ")")
                + "; drills: " + s.verifySchedule() + (s.nextVerify() == null ? "" : " (next " + s.nextVerify() + ")")
                + (s.running() == null ? "" : "; running: " + s.running().what() + " " + s.running().done() + "/"
                + s.running().total() + " (" + s.running().current() + ")"));
        list.failedDrills().forEach((t, why) -> out.println("ALERT BACKUP_DRILL_FAILED " + t + ": " + why));
        return 0;
    }
}
