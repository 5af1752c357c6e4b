package dev.cutover;

import dev.cutover.cli.ConsoleFrontEnd;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.cli.UserError;
import dev.cutover.cli.Version;


/**
 * Entry point of the jar: with no arguments it opens the console, otherwise it runs a command
 * of the command line. The console is found with ServiceLoader ({@link ConsoleFrontEnd}) so that the command line never needs JavaFX.
 * With {@code -Dcutover.smokeTest=true} the console closes itself once its window is shown
 * (the packaging test of the installed image).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        org.slf4j.LoggerFactory.getLogger(Main.class).info("cutover {} started ({}), Java {}", Version.get(),
                args.length == 0 ? "console" : "command line", System.getProperty("java.version"));
        if (args.length == 0) {
            try {
                ConsoleFrontEnd.openOrExplain(args, Boolean.getBoolean("cutover.smokeTest"));
                return;
            } catch (UserError e) {
                System.err.println("cutover: " + e.getMessage() + " (the commands work without a display: cutover --help)");
            }
            System.exit(2);
        }
        System.exit(CutoverCommand.run(args));
    }
}
