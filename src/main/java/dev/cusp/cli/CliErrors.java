package dev.cusp.cli;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place errors become CLI results: a one-line message that says what to do, and the
 * exit code of the error's {@link ErrorCode}. Never a stack trace.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof CuspException ce) {
            err.println("cusp: " + ce.getMessage() + (ce.field() != null && !ce.getMessage().contains(ce.field())
                    ? " (" + ce.field() + ")" : ""));
            err.flush();
            return ce.code().exitCode();
        }
        err.println("cusp: unexpected error: " + ex + " (run with CUSP_DEBUG=1 for details)");
        if (System.getenv("CUSP_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ErrorCode.INTERNAL.exitCode();
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("cusp: " + ex.getMessage() + "; see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                + " --help'");
        err.flush();
        return ErrorCode.INVALID_INPUT.exitCode();
    }
}
