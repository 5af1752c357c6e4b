package dev.cutover;

import dev.cutover.cli.CutoverCommand;

import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of the jar: with no arguments it opens the console, otherwise it runs a command
 * of the command line. The console is loaded by name so that the command line never needs JavaFX.
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
            String app = Boolean.getBoolean("cutover.smokeTest") ? "dev.cutover.ui.SmokeTest" : "dev.cutover.ui.ConsoleApp";
            try {
                Class.forName(app).getMethod("open", String[].class).invoke(null, (Object) args);
                return;
            } catch (InvocationTargetException e) {
                org.slf4j.LoggerFactory.getLogger(Main.class).info("the console failed", e.getCause()); // file only: stderr gets one line
                System.err.println("cutover: cannot open the console: " + rootMessage(e.getCause())
                        + " (the commands work without a display: cutover --help)");
            } catch (ReflectiveOperationException e) {
                System.err.println("cutover: cannot open the console: " + e);
            }
            System.exit(2);
        }
        System.exit(CutoverCommand.run(args));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
