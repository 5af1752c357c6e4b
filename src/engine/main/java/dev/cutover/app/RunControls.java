package dev.cutover.app;

import dev.cutover.work.Throttle;

/**
 * The controls a front end holds over a chunked run going now (a verify, a repair, the two of
 * "repair then verify" in turn): the rows/s cap and pause it sets act on whichever engine runs,
 * at once and on each engine as it starts; stop stops the one running and every one started
 * after it. The command line's Ctrl-C and the console's Cancel, Pause and cap all go through one.
 * Thread-safe: set from the UI thread, engines started on workers.
 */
public final class RunControls implements VerifyWorkflow.Live {
    private Throttle throttle;
    private Runnable stop;
    private long cap;
    private boolean paused;
    private boolean stopped;

    @Override
    public synchronized void running(Throttle t, Runnable s) {
        throttle = t;
        stop = s;
        if (t != null) {
            t.setMaxRowsPerSec(cap);
            if (paused) {
                t.pause();
            }
        }
        if (stopped && s != null) {
            s.run();
        }
    }

    /** Rows/s cap, 0 = none. */
    public synchronized void cap(long rowsPerSec) {
        cap = rowsPerSec;
        if (throttle != null) {
            throttle.setMaxRowsPerSec(rowsPerSec);
        }
    }

    public synchronized void paused(boolean p) {
        paused = p;
        if (throttle != null) {
            if (p) {
                throttle.pause();
            } else {
                throttle.resume();
            }
        }
    }

    /** Stops the engine running now after the chunks in hand, and any started later in this run. */
    public void stop() {
        Runnable s;
        synchronized (this) {
            stopped = true;
            s = stop;
        }
        if (s != null) {
            s.run();
        }
    }

    /** Whether an engine runs now. */
    public synchronized boolean engineRunning() {
        return throttle != null || stop != null;
    }

    /** A fresh run: stop forgotten (cap and pause kept, they are the screen's settings). */
    public synchronized void reset() {
        stopped = false;
        throttle = null;
        stop = null;
    }

    public synchronized boolean stopped() {
        return stopped;
    }
}
