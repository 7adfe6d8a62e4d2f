package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.error.CuspException;
import dev.cusp.wire.InviteRequest;
import dev.cusp.wire.Invitation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp invite}: a one-time token another site joins this one's replication group with. */
@Command(name = "invite", mixinStandardHelpOptions = true, description = "Print a one-time join token for a new"
        + " site: a writable peer, or a read-only report replica of this site. The first invite makes this site"
        + " the first member of a new group.")
public final class InviteCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--role", defaultValue = "peer", paramLabel = "peer|replica",
            description = "peer: writable, replicates both ways (default). replica: read-only, for reports.")
    String role;
    @Option(names = "--expires", defaultValue = "1h", paramLabel = "DURATION",
            description = "How long the token works: 30m, 2h, 1d (default 1h, at most 7d).")
    String expires;
    @Option(names = "--topology", paramLabel = "mesh|ring",
            description = "The peers' topology, set when the group is founded (default mesh).")
    String topology;
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        InviteRequest body = new InviteRequest(role, parseDuration(expires).toMinutes(), topology);
        JsonNode raw = AdminClient.connect(home.site()).post("/api/v1/admin/group/invites", body);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, raw);
            return 0;
        }
        Invitation r = AdminClient.read(raw, Invitation.class);
        out.printf("Join token for a %s of %s (works once, until %s):%n%n%s%n%n", r.role(), r.site(), r.expiresAt(),
                r.token());
        out.printf("On the new site run:  ./cusp join %s%n", r.token());
        out.printf("It will check this site's CA fingerprint %s before it sends anything.%n", r.caFingerprintSha256());
        return 0;
    }

    static Duration parseDuration(String text) {
        String t = text == null ? "" : text.trim().toLowerCase();
        if (t.matches("[0-9]{1,6}[mhd]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (!d.isZero() && d.compareTo(Duration.ofDays(7)) <= 0) {
                return d;
            }
        }
        throw CuspException.invalid("expires", "--expires takes a duration from 1m to 7d, such as 30m, 2h or 1d");
    }
}
