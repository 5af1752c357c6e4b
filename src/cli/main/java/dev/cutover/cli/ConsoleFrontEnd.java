package dev.cutover.cli;

import java.util.ServiceLoader;

/**
 * The console, as the command line sees it: a front end found with {@link ServiceLoader} when the
 * {@code cutover-console} module is on the class path (the distribution), so that the command line
 * is built and runs without JavaFX. {@code cutover} with no command and {@code cutover demo} open it
 * through {@link #openOrExplain}.
 */
public interface ConsoleFrontEnd {
    /** Opens the console window with the console's arguments and returns when it is closed. */
    void open(String[] args);

    /** Opens it and exits as soon as its window is shown (the packaging test of the installed image). */
    void smokeTest(String[] args);

    /** What JavaFX says when glass cannot load its GTK 3 library (libglassgtk3.so or one it links to is missing). */
    String NO_GTK = "Unable to load glass GTK library";
    /** What it says instead when libglassgtk3.so is there but a library it links to (libXtst.so.6) is not. */
    String NO_GLASS_GTK = "no glassgtk3 in java.library.path";

    /**
     * Opens the console, or throws a {@link UserError} {@code cannot open the console: …} that says
     * why in one line (the full failure goes to the log file only).
     */
    static void openOrExplain(String[] args, boolean smokeTest) {
        ConsoleFrontEnd console = ServiceLoader.load(ConsoleFrontEnd.class).findFirst().orElseThrow(() -> new UserError(
                "cannot open the console: this build has no console (the cutover-console jar is not on the class path)"));
        try {
            if (smokeTest) {
                console.smokeTest(args);
            } else {
                console.open(args);
            }
        } catch (RuntimeException | LinkageError e) {
            org.slf4j.LoggerFactory.getLogger(ConsoleFrontEnd.class).info("the console failed", e); // file only: stderr gets one line
            throw new UserError("cannot open the console: " + problem(e));
        }
    }

    /**
     * Why the console could not start: the two failures a fresh machine meets name what to do;
     * anything else is the root cause's message. glass links to libgtk-3.so.0 and libXtst.so.6, and
     * the GTK 3 package does not pull libXtst in, so both packages are named.
     */
    static String problem(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
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
}
