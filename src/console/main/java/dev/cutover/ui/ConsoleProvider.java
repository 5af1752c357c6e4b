package dev.cutover.ui;

import dev.cutover.cli.ConsoleFrontEnd;

/** The console as the command line finds it ({@link java.util.ServiceLoader}, META-INF/services). */
public final class ConsoleProvider implements ConsoleFrontEnd {
    @Override
    public void open(String[] args) {
        ConsoleApp.open(args);
    }

    @Override
    public void smokeTest(String[] args) {
        SmokeTest.open(args);
    }
}
