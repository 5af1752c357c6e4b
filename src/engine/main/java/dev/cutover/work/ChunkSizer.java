package dev.cutover.work;

/**
 * Adapts the rows per chunk to a target time per chunk, the way pt-online-schema-change sizes its
 * chunks: after each chunk the measured rate (rows/s, smoothed) times the target time gives the
 * next size, so wide rows and narrow rows both move in short statements. Growth per step is
 * bounded (×4) so one quick chunk of few rows doesn't jump to an enormous one. Thread-safe.
 */
public final class ChunkSizer {
    private final double targetSeconds;
    private final int min;
    private final int max;
    private double rowsPerSecond = -1;
    private int size;

    public ChunkSizer(double targetSeconds, int initial, int min, int max) {
        if (targetSeconds <= 0 || min < 1 || max < min) {
            throw new IllegalArgumentException("bad chunk sizing: target " + targetSeconds + " s, min " + min + ", max " + max);
        }
        this.targetSeconds = targetSeconds;
        this.min = min;
        this.max = max;
        this.size = clamp(initial);
    }

    public synchronized int next() {
        return size;
    }

    /** Feeds the time one chunk of {@code rows} rows took. Chunks of no rows teach nothing. */
    public synchronized void record(long rows, long nanos) {
        if (rows <= 0 || nanos <= 0) {
            return;
        }
        double rate = rows / (nanos / 1e9);
        rowsPerSecond = rowsPerSecond < 0 ? rate : 0.5 * rowsPerSecond + 0.5 * rate;
        long wanted = Math.round(rowsPerSecond * targetSeconds);
        long bounded = Math.min(wanted, (long) size * 4);
        size = clamp(bounded);
    }

    /**
     * Halves the next chunks after a chunk lost its connection: the shorter a chunk, the more likely
     * it finishes between two connection losses. The measured rate then grows them back.
     */
    public synchronized void shrink() {
        size = clamp(size / 2);
    }

    /**
     * The rows the measured rate moves in {@code seconds} (within the bounds); before any measure,
     * the current size. A capped run uses it to keep each chunk's burst short.
     */
    public synchronized int rowsIn(double seconds) {
        return rowsPerSecond < 0 ? size : clamp(Math.round(rowsPerSecond * seconds));
    }

    public synchronized double rowsPerSecond() {
        return Math.max(rowsPerSecond, 0);
    }

    private int clamp(long n) {
        return (int) Math.max(min, Math.min(max, n));
    }
}
