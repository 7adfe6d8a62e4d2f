package dev.cusp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant suspend NAME}. */
@Command(name = "suspend", mixinStandardHelpOptions = true, description = "Lock a practice out: its database user is locked and its sessions end.")
public final class TenantSuspend implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var answer = AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name)
                + "/suspend", null);
        spec.commandLine().getOut().println("Tenant " + name + " suspended; resume it with './cusp tenant resume "
                + name + "'.");
        var late = answer.path("sessions_cut").path("not_confirmed");
        if (!late.isEmpty()) {
            // Not an error: those sites cut the sessions themselves when the suspend reaches them.
            java.util.List<String> sites = new java.util.ArrayList<>();
            late.forEach(n -> sites.add(n.asText()));
            spec.commandLine().getOut().println("Not yet confirmed cut at " + String.join(", ", sites)
                    + ": each cuts the practice's sessions when the suspend reaches it (see 'cusp status').");
        }
        return 0;
    }
}
