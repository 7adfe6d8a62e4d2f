package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.SiteRemoved;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp site ...}: the sites of this site's replication group. */
@Command(name = "site", mixinStandardHelpOptions = true, description = "List or remove the sites of the replication"
        + " group, or change the peers' topology.", subcommands = {SiteCommand.ListSites.class,
        SiteCommand.Remove.class, SiteCommand.Topology.class, SiteCommand.GuardOverride.class})
public final class SiteCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code cusp site list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the group's sites and their links.")
    public static final class ListSites implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode g = AdminClient.connect(home.site()).get("/api/v1/admin/group");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, g);
            } else {
                Output.group(out, AdminClient.read(g, GroupView.class));
            }
            return 0;
        }
    }

    /** {@code cusp site remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove another site from the group:"
            + " its links stop everywhere; its replicas move to this site.")
    public static final class Remove implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SiteRemoved r = AdminClient.connect(home.site()).delete("/api/v1/admin/group/sites/" + name,
                    SiteRemoved.class);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Site %s removed from the group.%s%n", r.removed(), r.replicasMovedHere().isEmpty() ? ""
                    : " Its replicas now pull from this site: " + Output.compact(r.replicasMovedHere()));
            return 0;
        }
    }

    /** {@code cusp site topology mesh|ring}. */
    @Command(name = "topology", mixinStandardHelpOptions = true, description = "Set the peers' topology: mesh (every"
            + " peer pulls from every other; default) or ring (each from the one before it).")
    public static final class Topology implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Parameters(index = "0", paramLabel = "mesh|ring")
        String topology;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.connect(home.site()).put("/api/v1/admin/group/topology", Map.of("topology", topology));
            spec.commandLine().getOut().printf("Topology is now %s; every site re-links within seconds.%n", topology);
            return 0;
        }
    }

    /** {@code cusp site guard-override --minutes N --reason TEXT}. */
    @Command(name = "guard-override", mixinStandardHelpOptions = true, description = "Let merges, combines and"
            + " deletes go on at this site for a while although a writable peer is disconnected. Each one done"
            + " meanwhile is written to the practice's security log with the reason.")
    public static final class GuardOverride implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Option(names = "--minutes", required = true, paramLabel = "N", description = "1 to 1440.")
        int minutes;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; kept in the security log.")
        String reason;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            dev.cusp.wire.GuardOverride r = AdminClient.connect(home.site()).post("/api/v1/admin/group/guard-override",
                    Map.of("minutes", minutes, "reason", reason), dev.cusp.wire.GuardOverride.class);
            spec.commandLine().getOut().printf("Deletion guard lifted at this site until %s.%n", r.overrideUntil());
            return 0;
        }
    }
}
