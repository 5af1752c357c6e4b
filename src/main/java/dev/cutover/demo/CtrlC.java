package dev.cutover.demo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a long-running command: the shutdown hook only signals the command to stop and then
 * waits (up to a minute) until the command has printed its report and closed everything; closing
 * this object says "done" and removes the hook.
 */
final class CtrlC implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    CtrlC(String threadName) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits for Ctrl-C (SIGINT/SIGTERM). */
    void await() throws InterruptedException {
        stop.await();
    }

    /** Waits for Ctrl-C or until the time is up. */
    void await(long seconds) throws InterruptedException {
        stop.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }
}
