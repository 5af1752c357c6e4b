package dev.cutover;

import dev.cutover.cli.CutoverCommand;

/**
 * Entry point of the jar: with no arguments it opens the console, otherwise it runs a command
 * of the command line. The console is loaded by name so that the command line never needs JavaFX.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            try {
                Class.forName("dev.cutover.ui.ConsoleApp").getMethod("open", String[].class).invoke(null, (Object) args);
                return;
            } catch (ReflectiveOperationException e) {
                System.err.println("cutover: cannot open the console: " + e);
                System.exit(2);
            }
        }
        System.exit(CutoverCommand.run(args));
    }
}
