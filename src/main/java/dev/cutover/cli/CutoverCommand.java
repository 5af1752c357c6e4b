package dev.cutover.cli;

import dev.cutover.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code cutover} command and its subcommands (DESIGN.md, "The command line"). */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCommand.VersionProvider.class,
        description = "Zero-downtime PostgreSQL schema migration. With no command, opens the console.",
        subcommands = {PlanCommand.class, BackfillCommand.class, WorkerCommand.class, VerifyCommand.class, RepairCommand.class,
                StatusCommand.class, PhaseCommand.class, TrafficCommand.class, AuditCommand.class, WatchCommand.class,
                CommandLine.HelpCommand.class,
                dev.cutover.demo.DemoDataCommand.class, dev.cutover.demo.DemoCommand.class, dev.cutover.demo.LoadCommand.class,
                dev.cutover.demo.DemoE2eCommand.class})
public final class CutoverCommand implements Runnable {

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "show DEBUG logging on stderr (it always goes to the log file)")
    void verbose(boolean on) {
        if (on) {
            dev.cutover.Logging.verbose();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a command (see cutover --help)");
    }

    /** Runs the command line and returns the exit status; errors are one line on stderr. */
    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CutoverCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("cutover: " + ex.getMessage());
            return ExitCodes.ERROR;
        });
        return cl.execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cutover " + Version.get()};
        }
    }
}
