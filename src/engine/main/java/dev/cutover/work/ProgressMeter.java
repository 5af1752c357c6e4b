package dev.cutover.work;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns successive "rows done" readings into rates and ETAs: the rate is measured over a sliding
 * window (default 10 s) so it follows throttling and pauses without jumping on every chunk.
 */
public final class ProgressMeter {
    private record Sample(long nanos, long rows) {
    }

    private final long windowNanos;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    public ProgressMeter(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /** Records a reading and returns the rate over the window, rows/s (0 until two readings). */
    public synchronized double record(String name, long rowsDone, long nanos) {
        Deque<Sample> d = samples.computeIfAbsent(name, k -> new ArrayDeque<>());
        d.addLast(new Sample(nanos, rowsDone));
        while (d.size() > 2 && nanos - d.peekFirst().nanos() > windowNanos) {
            d.removeFirst();
        }
        Sample first = d.peekFirst();
        double secs = (nanos - first.nanos()) / 1e9;
        return secs <= 0 ? 0 : Math.max(0, (rowsDone - first.rows()) / secs);
    }

    /** Time left for {@code remaining} rows at {@code rate}, or null when the rate is unknown. */
    public static Duration eta(long remaining, double rate) {
        if (remaining <= 0) {
            return Duration.ZERO;
        }
        return rate <= 0 ? null : Duration.ofMillis((long) (remaining / rate * 1000));
    }
}
