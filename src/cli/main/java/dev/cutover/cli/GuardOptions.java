package dev.cutover.cli;

import dev.cutover.control.GuardSettings;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The settable limits of the phase guards (a picocli mixin); defaults in {@link GuardSettings#defaults()}. */
public final class GuardOptions {
    private static final GuardSettings D = GuardSettings.defaults();

    @Option(names = "--verify-max-age", paramLabel = "AGE", converter = DurationConverter.class,
            description = "a verification older than this is stale (default 24h)")
    Duration verifyMaxAge = D.verifyMaxAge();

    @Option(names = "--max-mismatch-rate", paramLabel = "RATE",
            description = "shadow mismatches per comparison allowed over the window (default 0.001 = 0.1%%)")
    double maxMismatchRate = D.maxMismatchRate();

    @Option(names = "--mismatch-window", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long the mismatch rate must stay under the limit (default 10m)")
    Duration mismatchWindow = D.mismatchWindow();

    @Option(names = "--min-compared", paramLabel = "N", description = "comparisons needed in the window (default 1000)")
    long minCompared = D.minCompared();

    GuardSettings settings() {
        try {
            return new GuardSettings(verifyMaxAge, maxMismatchRate, mismatchWindow, minCompared);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
