package dev.cutover.cli;

/**
 * Ctrl-C (SIGINT, SIGTERM) during a chunked run: the shutdown hook asks the run to stop after the
 * chunks in hand (their work is committed or rolled back whole). Closing removes the hook.
 */
final class StopHook implements AutoCloseable {
    private final Thread hook;

    StopHook(Runnable stop) {
        hook = new Thread(stop, "cutover-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down
        }
    }
}
