package dev.cutover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code cutover} command and its subcommands (docs/contracts.md, "The command line and its exit statuses"). The subcommands
 * are added by {@link #commandLine}: picocli reads a command's annotations by reflection as it is
 * added, and reading all of them took a good part of every command's start, so a command line that
 * names its command gets only that one.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCommand.VersionProvider.class,
        description = "Zero-downtime PostgreSQL schema migration. With no command, opens the console.")
public final class CutoverCommand implements Runnable {
    /** Every subcommand, in the order of the help. */
    static final List<Class<?>> SUBCOMMANDS = List.of(PlanCommand.class, BackfillCommand.class, WorkerCommand.class,
            VerifyCommand.class, RepairCommand.class, StatusCommand.class, PhaseCommand.class, TrafficCommand.class,
            AuditCommand.class, WatchCommand.class, SyncCommand.class, FlipWritesCommand.class,
            CommandLine.HelpCommand.class);

    /** The built-in subcommands, then those of the modules on the class path ({@link MoreCommands}: the demo's). */
    static List<Class<?>> subcommands() {
        List<Class<?>> all = new java.util.ArrayList<>(SUBCOMMANDS);
        java.util.ServiceLoader.load(MoreCommands.class).forEach(m -> all.addAll(m.commands()));
        return all;
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one (the
     * first word that is not an option), else with all of them (help, unknown commands).
     */
    static CommandLine commandLine(String[] args) {
        String word = args == null ? null : Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        boolean helpAsked = args != null && Arrays.stream(args).takeWhile(a -> !a.equals(word))
                .anyMatch(a -> a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version"));
        List<Class<?>> all = subcommands(); // one ServiceLoader scan per start
        Class<?> only = word == null || helpAsked ? null : all.stream().filter(c -> c != CommandLine.HelpCommand.class)
                .filter(c -> names(c).contains(word)).findFirst().orElse(null);
        CommandLine cl = new CommandLine(new CutoverCommand());
        for (Class<?> c : all) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        return cl;
    }

    private static List<String> names(Class<?> c) {
        Command a = c.getAnnotation(Command.class);
        if (a == null) {
            return List.of();
        }
        List<String> n = new java.util.ArrayList<>(List.of(a.aliases()));
        n.add(a.name());
        return n;
    }

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "show DEBUG logging on stderr (it always goes to the log file)")
    void verbose(boolean on) {
        if (on) {
            dev.cutover.cli.Logging.verbose();
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
        CommandLine cl = commandLine(args);
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
