package dev.cutover.ui;

import dev.cutover.cli.ConsoleFrontEnd;

/** The console as the command line finds it ({@link java.util.ServiceLoader}, META-INF/services). */
public final class ConsoleProvider implements ConsoleFrontEnd {
    /**
     * Opens the console with its arguments ({@code --plan F --old URL --new URL --redis URL}) from a
     * class path, as scripts/console-walk.sh does: the jar's own entry point opens it only without
     * arguments, and {@link ConsoleApp} cannot be the launcher's main class off the module path.
     */
    public static void main(String[] args) {
        ConsoleApp.open(args);
    }

    @Override
    public void open(String[] args) {
        ConsoleApp.open(args);
    }

    @Override
    public void smokeTest(String[] args) {
        SmokeTest.open(args);
    }
}
