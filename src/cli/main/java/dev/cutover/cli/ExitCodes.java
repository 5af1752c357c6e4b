package dev.cutover.cli;

/** Exit statuses of every command (the command table of the README). */
public final class ExitCodes {
    /** Clean, done, identical. */
    public static final int OK = 0;
    /** Problems or differences found; a guard refused. */
    public static final int FOUND = 1;
    /** Could not run: bad input, unreachable database, … */
    public static final int ERROR = 2;

    private ExitCodes() {
    }
}
