package dev.cutover.control;

import java.time.Duration;

/**
 * When the watchdog ramps reads back down.
 *
 * @param maxErrorRate    failed reads per read on the new side (0.01 = 1 %)
 * @param maxMismatchRate shadow mismatches per comparison
 * @param maxP99Ms        99th percentile read latency on the new side, milliseconds
 * @param window          how long a limit must be exceeded (measured over the last window,
 *                        and only over time spent at the current read percent)
 * @param minSamples      reads (or comparisons) the window needs before a rate counts
 * @param toZero          ramp straight to 0 % instead of one step down
 */
public record WatchdogLimits(double maxErrorRate, double maxMismatchRate, long maxP99Ms, Duration window, long minSamples,
                             boolean toZero) {
    public WatchdogLimits {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the watchdog window must be positive");
        }
    }

    /** 1 % errors, 0.1 % mismatches, p99 500 ms, over 60 s with at least 100 samples, one step down. */
    public static WatchdogLimits defaults() {
        return new WatchdogLimits(0.01, 0.001, 500, Duration.ofSeconds(60), 100, false);
    }

    public String describe() {
        return "error rate ≤ " + Guards.percent(maxErrorRate) + ", mismatch rate ≤ " + Guards.percent(maxMismatchRate)
                + ", p99 ≤ " + maxP99Ms + " ms over " + Guards.human(window) + (toZero ? ", ramp to 0%" : ", one step down");
    }
}
