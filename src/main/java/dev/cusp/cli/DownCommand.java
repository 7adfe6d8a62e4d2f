package dev.cusp.cli;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.site.SiteHome;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cusp down}: stops the site cleanly (its node flushes and shuts down). */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the site cleanly.")
public final class DownCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SiteHome site = home.site();
        PrintWriter out = spec.commandLine().getOut();
        Optional<ProcessHandle> p = Optional.empty();
        if (Files.exists(site.pidFile())) {
            try {
                p = ProcessHandle.of(Long.parseLong(Files.readString(site.pidFile()).trim()))
                        .filter(ProcessHandle::isAlive);
            } catch (NumberFormatException e) {
                p = Optional.empty();
            }
        }
        if (p.isEmpty()) {
            out.println("No site is running in " + site.dir() + ".");
            return 0;
        }
        p.get().destroy();
        try {
            p.get().onExit().get(180, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the site (pid " + p.get().pid() + ") did not stop within"
                    + " 3 minutes; see " + site.logFile());
        }
        out.println("Site in " + site.dir() + " stopped.");
        return 0;
    }
}
