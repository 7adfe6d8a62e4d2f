package dev.cusp;

import dev.cusp.base.CuspVersion;
import dev.cusp.cli.CheckCommand;
import dev.cusp.cli.DbmCommand;
import dev.cusp.cli.ConflictsCommand;
import dev.cusp.cli.DownCommand;
import dev.cusp.cli.InviteCommand;
import dev.cusp.cli.JoinCommand;
import dev.cusp.cli.LeaveCommand;
import dev.cusp.cli.QueryCommand;
import dev.cusp.cli.RepairCommand;
import dev.cusp.cli.ReseedCommand;
import dev.cusp.cli.SiteCommand;
import dev.cusp.cli.StatusCommand;
import dev.cusp.cli.TenantCommand;
import dev.cusp.cli.UpCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cusp} command: hosts and replicates dental practice databases. */
@Command(name = "cusp", mixinStandardHelpOptions = true, versionProvider = Cusp.Version.class,
        description = "Hosts and replicates dental practice databases on MariaDB.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, TenantCommand.class,
                InviteCommand.class, JoinCommand.class, LeaveCommand.class, SiteCommand.class, ReseedCommand.class,
                QueryCommand.class, CheckCommand.class, RepairCommand.class, DbmCommand.class,
                dev.cusp.cli.UpdateCommand.class,
                ConflictsCommand.class, dev.cusp.cli.BackupCommand.class})
public final class Cusp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI with the given streams; returns the exit code. Tests call this directly. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new Cusp());
        dev.cusp.cli.Errors.install(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    public static void main(String[] args) {
        // Read once, when the JDK's TLS classes load: set before anything touches TLS. The HTTPS
        // server also refuses renegotiation itself (ApiServer); this covers every other TLS use.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        int code = run(System.out, System.err, args);
        if (!(args.length > 0 && args[0].equals("up") && code == 0 && !java.util.Arrays.asList(args).contains("--detach"))) {
            System.exit(code);
        }
    }

    /** Prints the version. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cusp " + CuspVersion.VERSION};
        }
    }
}
