package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.JobStatus;
import dev.cusp.wire.Reseeded;
import dev.cusp.wire.ReseedRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp reseed [SITE]}: replace a site's data with a fresh copy and resume replication. */
@Command(name = "reseed", mixinStandardHelpOptions = true, description = "Re-seed SITE (default: this site) from"
        + " the most up-to-date reachable peer, or --from SITE, then resume replication. Refused when SITE holds"
        + " transactions no other site has, unless --discard-local (which saves them to a backup first).")
public final class ReseedCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", arity = "0..1", paramLabel = "SITE", description = "The site to re-seed (default: this one).")
    String site;
    @Option(names = "--from", paramLabel = "SITE", description = "The source (default: the most up-to-date peer).")
    String from;
    @Option(names = "--discard-local", description = "Save, then discard, transactions only SITE has.")
    boolean discardLocal;
    @Option(names = "--json", description = "Print the result as JSON (no progress).")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        ReseedRequest body = new ReseedRequest(site, from, discardLocal);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode job = client.post("/api/v1/admin/group/reseed", body);
        if (!json) {
            out.printf("Re-seeding %s:%n", site == null ? "this site" : site);
        }
        // A re-seed of another site runs there: the answer names that site, and the job is followed there.
        JobStatus done = JobWatcher.follow(client, job, AdminClient.read(job, JobStatus.class).site(), out, json);
        if (json) {
            Output.json(out, done.result());
            return 0;
        }
        Reseeded r = AdminClient.read(done.result(), Reseeded.class);
        Output.seed(out, "re-seeded", r.site(), r.source(), r.seed());
        if (r.backup() != null) {
            out.printf("Its previous data, with %d local-only transaction(s), is saved in %s%n",
                    r.localOnlyTransactionsDiscarded(), r.backup());
        }
        return 0;
    }
}
