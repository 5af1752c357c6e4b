package dev.cutover.work;

import java.time.Duration;

/**
 * Progress of one table (or of the whole run, {@code table} = "total"): rows done out of the rows
 * the run covers (an estimate until the table completes), the recent rate and the time left at that
 * rate ({@code eta} null when unknown). {@code state}: running, complete, failed, or waiting
 * (not started yet).
 */
public record TableProgress(String table, String state, long rowsDone, long rowsTotal, double rowsPerSec, Duration eta,
                            String error) {
    public double fraction() {
        return rowsTotal <= 0 ? ("complete".equals(state) ? 1.0 : 0.0) : Math.min(1.0, (double) rowsDone / rowsTotal);
    }
}
