package dev.cusp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cusp tenant resume NAME}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a suspended practice work again.")
public final class TenantResume implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient.connect(home.site()).post("/api/v1/admin/tenants/" + TenantPaths.segment(name) + "/resume", null);
        spec.commandLine().getOut().println("Tenant " + name + " resumed.");
        return 0;
    }
}
