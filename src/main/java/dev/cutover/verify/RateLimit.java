package dev.cutover.verify;

/**
 * A rows-per-second cap shared by all workers: each chunk takes its rows before it is read, and
 * waits when the run is ahead of the cap. Zero means no cap.
 */
final class RateLimit {
    private final long rowsPerSec;
    private final long start = System.nanoTime();
    private long taken;

    RateLimit(long rowsPerSec) {
        this.rowsPerSec = rowsPerSec;
    }

    void acquire(long rows) throws InterruptedException {
        if (rowsPerSec <= 0) {
            return;
        }
        long due;
        synchronized (this) {
            due = start + (long) (taken * 1e9 / rowsPerSec); // the rows taken before these fill the cap until then
            taken += rows;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
