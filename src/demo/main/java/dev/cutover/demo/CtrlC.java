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

    private final java.util.List<Runnable> restore = new java.util.ArrayList<>();

    CtrlC(String threadName) {
        this(threadName, false);
    }

    /**
     * With {@code catchSignals}, SIGINT, SIGTERM and SIGHUP only signal the command to stop, and the
     * JVM does not begin to shut down: the shutdown hooks of what the command started (the demo's
     * own PostgreSQL servers stop themselves in theirs) do not run while the command still closes
     * the load that uses them. A second signal ends the JVM at once.
     */
    CtrlC(String threadName, boolean catchSignals) {
        if (catchSignals) {
            java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
            for (String name : new String[] {"INT", "TERM", "HUP"}) {
                try {
                    sun.misc.Signal signal = new sun.misc.Signal(name);
                    sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, sig -> {
                        if (asked.getAndSet(true)) {
                            Runtime.getRuntime().exit(128 + sig.getNumber());
                        }
                        stop.countDown();
                    });
                    restore.add(() -> sun.misc.Signal.handle(signal, previous));
                } catch (IllegalArgumentException e) {
                    // no such signal here, or the JVM keeps it: the shutdown hook below still works
                }
            }
        }
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
        restore.forEach(Runnable::run);
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }
}
