package dev.cutover.testing;

import dev.cutover.cli.CutoverCommand;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the command line in this JVM: its exit status and what it printed on stdout and stderr. */
public record CliRun(int status, String out, String err) {
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CutoverCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(status, out.toString(), err.toString());
    }
}
