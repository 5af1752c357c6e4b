package dev.cutover.work;

import java.time.Duration;

/**
 * Progress of one table (or of the whole run, {@code table} = "total"): rows done out of the rows
 * the run covers (an estimate until the table completes), the recent rate and the time left at that
 * rate ({@code eta} null when unknown). {@code state}: see {@link TableState}.
 */
public record TableProgress(String table, TableState state, long rowsDone, long rowsTotal, double rowsPerSec, Duration eta,
                            String error) {
    public double fraction() {
        return rowsTotal <= 0 ? (state == TableState.COMPLETE ? 1.0 : 0.0) : Math.min(1.0, (double) rowsDone / rowsTotal);
    }
}
