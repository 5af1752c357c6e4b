package dev.cutover.work;

import java.util.function.BooleanSupplier;

/**
 * Protects production while chunks are copied or compared: a rows/s cap (changeable while running;
 * 0 means no cap), pause and resume, and back-off while the old database's latency, measured by a
 * {@link LatencyProbe}, is above a limit. Workers call {@link #awaitTurn} before a chunk and
 * {@link #consume} after it with the rows it moved; or, to pace chunks evenly under a cap,
 * {@link #awaitTurn(BooleanSupplier, long)}, which books the chunk's rows when it grants the turn, and
 * {@link #settle} after it. Thread-safe; every setter wakes waiting workers.
 */
public final class Throttle {
    /** What the throttle is doing, for progress events and the console. */
    public record State(long maxRowsPerSec, boolean paused, boolean backingOff, double latencyMillis, long latencyLimitMillis) {
    }

    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Object lock = new Object();
    private long maxRowsPerSec;
    private boolean paused;
    /** Workers inside {@link #awaitTurn} held there by the pause (none of them has a chunk in hand). */
    private int heldByPause;
    private long nextFreeNanos = System.nanoTime();
    private LatencyProbe probe;
    private long latencyLimitMillis;
    private volatile boolean backingOff;

    public Throttle(long maxRowsPerSec) {
        setMaxRowsPerSec(maxRowsPerSec);
    }

    /** Changes the cap now; 0 removes it. Waiting workers re-plan with the new cap. */
    public void setMaxRowsPerSec(long rowsPerSec) {
        if (rowsPerSec < 0) {
            throw new IllegalArgumentException("rows per second must be 0 (no cap) or more, got " + rowsPerSec);
        }
        synchronized (lock) {
            long now = System.nanoTime();
            if (maxRowsPerSec > 0 && nextFreeNanos > now) {
                // the debt was counted at the old rate: re-price it at the new one
                nextFreeNanos = rowsPerSec == 0 ? now
                        : now + (long) ((nextFreeNanos - now) * ((double) maxRowsPerSec / rowsPerSec));
            }
            maxRowsPerSec = rowsPerSec;
            lock.notifyAll();
        }
    }

    public long maxRowsPerSec() {
        synchronized (lock) {
            return maxRowsPerSec;
        }
    }

    public void pause() {
        synchronized (lock) {
            paused = true;
            lock.notifyAll();
        }
    }

    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Workers waiting for their next chunk because of the pause: with every worker there, no chunk is in hand. */
    public int heldByPause() {
        synchronized (lock) {
            return heldByPause;
        }
    }

    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    /** Backs off while {@code probe} measures more than {@code limitMillis} (0 turns the guard off). */
    public void guardLatency(LatencyProbe probe, long limitMillis) {
        synchronized (lock) {
            this.probe = probe;
            this.latencyLimitMillis = limitMillis;
            lock.notifyAll();
        }
    }

    public State state() {
        synchronized (lock) {
            return new State(maxRowsPerSec, paused, backingOff, probe == null ? -1 : probe.latencyMillis(), latencyLimitMillis);
        }
    }

    /**
     * Waits until a worker may start its next chunk: not paused, latency under the limit (sleeping
     * longer each time it is still above), and the rows already moved paid for at the cap.
     * Returns false, without waiting further, as soon as {@code stop} says so.
     */
    public boolean awaitTurn(BooleanSupplier stop) throws InterruptedException {
        long backoff = MIN_BACKOFF_MS;
        synchronized (lock) {
            while (!stop.getAsBoolean()) {
                if (paused) {
                    heldByPause++;
                    try {
                        lock.wait(200);
                    } finally {
                        heldByPause--;
                    }
                    continue;
                }
                if (latencyTooHigh()) {
                    backingOff = true;
                    lock.wait(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                    continue;
                }
                backingOff = false;
                long wait = maxRowsPerSec == 0 ? 0 : nextFreeNanos - System.nanoTime();
                if (wait <= 0) {
                    return true;
                }
                lock.wait(Math.max(1, Math.min(200, wait / 1_000_000)));
            }
            return false;
        }
    }

    /**
     * Like {@link #awaitTurn(BooleanSupplier)}, then books {@code rows} at the cap before the chunk
     * runs: the next turn (of any worker) comes {@code rows / cap} seconds later. Chunks are so
     * spaced evenly instead of several workers starting at once and moving in bursts (the
     * gentle pace of gh-ost and pt-online-schema-change); a worker that finds its turn taken waits
     * for the next one, so a cap that one worker can keep runs one chunk at a time. Settle the
     * booking with {@link #settle} once the chunk's real row count is known.
     */
    public boolean awaitTurn(BooleanSupplier stop, long rows) throws InterruptedException {
        while (awaitTurn(stop)) {
            synchronized (lock) {
                if (maxRowsPerSec == 0 || nextFreeNanos <= System.nanoTime()) {
                    book(rows);
                    return true;
                }
                // another worker took this turn while we woke up: wait for the next one
            }
        }
        return false;
    }

    /** Corrects a booking made by {@link #awaitTurn(BooleanSupplier, long)} to the rows the chunk really moved. */
    public void settle(long booked, long moved) {
        synchronized (lock) {
            if (maxRowsPerSec > 0 && moved != booked) {
                nextFreeNanos += (long) ((Math.max(0, moved) - Math.max(0, booked)) * 1e9 / maxRowsPerSec);
            }
        }
    }

    /** Debits rows moved by a chunk against the cap. */
    public void consume(long rows) {
        if (rows <= 0) {
            return;
        }
        synchronized (lock) {
            book(rows);
        }
    }

    private void book(long rows) {
        if (maxRowsPerSec == 0 || rows <= 0) {
            return;
        }
        nextFreeNanos = Math.max(nextFreeNanos, System.nanoTime()) + (long) (rows * 1e9 / maxRowsPerSec);
    }

    /** The largest chunk that moves in {@code seconds} at the cap (Integer.MAX_VALUE without a cap). */
    public int rowsIn(double seconds) {
        long cap = maxRowsPerSec();
        return cap == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE, cap * seconds));
    }

    private boolean latencyTooHigh() {
        return probe != null && latencyLimitMillis > 0 && probe.latencyMillis() > latencyLimitMillis;
    }
}
