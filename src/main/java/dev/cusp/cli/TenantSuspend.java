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
        AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/suspend", null);
        spec.commandLine().getOut().println("Tenant " + name + " suspended; resume it with './cusp tenant resume "
                + name + "'.");
        return 0;
    }
}
