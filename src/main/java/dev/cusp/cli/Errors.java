package dev.cusp.cli;

import picocli.CommandLine;

/** Installs the CLI's error handling on a command line. */
public final class Errors {
    private Errors() {
    }

    public static void install(CommandLine cl) {
        CliErrors h = new CliErrors();
        cl.setExecutionExceptionHandler(h);
        cl.setParameterExceptionHandler(h);
    }
}
