package dev.cusp.cli;

import picocli.CommandLine.Command;

/** {@code cusp backup list|now|verify}: this site's practice backups. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "This site's practice backups: list them, make"
        + " one now, run the verification drill. Backups are never replicated.",
        subcommands = {BackupListCommand.class, BackupNow.class, BackupVerify.class})
public final class BackupCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a subcommand: list, now or verify");
    }
}
