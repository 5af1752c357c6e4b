package dev.cutover.backfill;

/** What a row that fails its transform (or a target constraint) mid-run does to its table. */
public enum ErrorPolicy {
    /** Stop the table with an error naming the row's key (the default). */
    STOP,
    /** Record the row in {@code cutover.backfill_skipped} with its error, copy the rest, list them at the end. */
    SKIP
}
