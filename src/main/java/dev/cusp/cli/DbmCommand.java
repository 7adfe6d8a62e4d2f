package dev.cusp.cli;

import picocli.CommandLine.Command;

/** {@code cusp dbm ...}: database maintenance across the sites of the group. */
@Command(name = "dbm", mixinStandardHelpOptions = true, description = "Database maintenance: list the check/fix"
        + " methods, check every practice at every site and compare, fix at one site only.",
        subcommands = {DbmList.class, DbmCheck.class, DbmFix.class})
public final class DbmCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to do: list, check or fix");
    }
}
