package dev.cusp.cli;

import dev.cusp.wire.JobStatus;
import dev.cusp.wire.JoinWithToken;
import dev.cusp.wire.Joined;
import dev.cusp.wire.NodeSettingRow;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp join TOKEN}: this site joins the group that issued the token. */
@Command(name = "join", mixinStandardHelpOptions = true, description = "Join the replication group that printed"
        + " TOKEN (with 'cusp invite'): check the inviting site against the token's CA fingerprint, fix this"
        + " node's settings, seed it from a consistent snapshot, and start replicating.")
public final class JoinCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "TOKEN", description = "The token 'cusp invite' printed.")
    String token;
    @Option(names = "--force", description = "Join as a peer even if the group then has more than 5 writable sites.")
    boolean force;
    @Option(names = "--json", description = "Print the result as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JoinWithToken body = new JoinWithToken(token, force);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println("Joining:");
        }
        JobStatus done = JobWatcher.follow(client, client.post("/api/v1/admin/group/join", body), null, out, json);
        if (json) {
            Output.json(out, done.result());
            return 0;
        }
        Joined r = AdminClient.read(done.result(), Joined.class);
        out.println();
        out.println("Node settings:");
        out.printf("  %-26s %-22s %-22s %s%n", "SETTING", "CURRENT", "REQUIRED", "ACTION");
        for (NodeSettingRow row : r.settings()) {
            out.printf("  %-26s %-22s %-22s %s%n", row.setting(), row.current(), row.required(), row.action());
        }
        Output.seed(out, "seeded", r.site(), r.source(), r.seed());
        out.printf("%s is now a %s of the group. 'cusp status' shows every site and link.%n", r.site(), r.role());
        return 0;
    }
}
