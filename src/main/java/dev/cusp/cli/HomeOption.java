package dev.cusp.cli;

import dev.cusp.site.SiteHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --home} option every command takes. */
public final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR",
            description = "The site's folder (default: $CUSP_HOME, else ~/.local/share/cusp).")
    Path home;

    public SiteHome site() {
        return new SiteHome(home != null ? home : SiteHome.defaultDir());
    }
}
