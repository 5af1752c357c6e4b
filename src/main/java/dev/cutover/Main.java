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
                System.err.println("cutover: cannot open the console: " + consoleProblem(e.getCause())
                        + " (the commands work without a display: cutover --help)");
            } catch (ReflectiveOperationException e) {
                System.err.println("cutover: cannot open the console: " + e);
            }
            System.exit(2);
        }
        System.exit(CutoverCommand.run(args));
    }

    /** What JavaFX says when glass cannot load its GTK 3 library (libglassgtk3.so or one it links to is missing). */
    static final String NO_GTK = "Unable to load glass GTK library";
    /** What it says instead when libglassgtk3.so is there but a library it links to (libXtst.so.6) is not. */
    static final String NO_GLASS_GTK = "no glassgtk3 in java.library.path";

    /**
     * Why the console could not start, for the one {@code cannot open the console: …} line (here and
     * in {@code cutover demo}): the two failures a fresh machine meets name what to do; anything else
     * is the root cause's message. glass links to libgtk-3.so.0 and libXtst.so.6, and the GTK 3
     * package does not pull libXtst in, so both packages are named.
     */
    public static String consoleProblem(Throwable failure) {
        String msg = rootMessage(failure);
        if (msg.startsWith(NO_GTK) || msg.startsWith(NO_GLASS_GTK)) {
            return "the GTK 3 libraries are missing (" + NO_GTK + "); on Debian/Ubuntu: sudo apt-get install libgtk-3-0 libxtst6";
        }
        if (msg.startsWith("Unable to open DISPLAY")) {
            String display = System.getenv("DISPLAY");
            return display == null || display.isBlank()
                    ? "no display (DISPLAY is not set): run it in a desktop session or over 'ssh -X'"
                    : "the display " + display + " cannot be opened (Unable to open DISPLAY)";
        }
        return msg;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
