package dev.cutover.control;

import java.time.Duration;

/**
 * The settable limits of the phase guards.
 *
 * @param verifyMaxAge     a verification older than this is stale and does not satisfy a guard
 * @param maxMismatchRate  shadow mismatches per comparison allowed over the window (0.001 = 0.1 %)
 * @param mismatchWindow   how long the mismatch rate must have stayed under the limit
 * @param minCompared      comparisons needed in the window for the rate to mean anything
 */
public record GuardSettings(Duration verifyMaxAge, double maxMismatchRate, Duration mismatchWindow, long minCompared) {
    public GuardSettings {
        if (verifyMaxAge.isNegative() || mismatchWindow.isNegative() || mismatchWindow.isZero()) {
            throw new IllegalArgumentException("guard durations must be positive");
        }
        if (maxMismatchRate < 0 || maxMismatchRate > 1) {
            throw new IllegalArgumentException("the mismatch-rate limit must be 0..1, was " + maxMismatchRate);
        }
    }

    /** 24 h verification age, 0.1 % mismatches over 10 minutes with at least 1,000 comparisons. */
    public static GuardSettings defaults() {
        return new GuardSettings(Duration.ofHours(24), 0.001, Duration.ofMinutes(10), 1000);
    }
}
