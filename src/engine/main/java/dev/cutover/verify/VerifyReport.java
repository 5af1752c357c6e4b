package dev.cutover.verify;

import dev.cutover.sql.Direction;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of a whole verification. {@code sampled} runs are a first look, never a proof:
 * they are never reported or stored as clean for the phase guard. {@code complete} is false when
 * only some tables were compared ({@code --table}). {@code firstDifferences} keeps the first
 * {@link #KEPT} differences for display; the CSV and the listener get all of them.
 */
public record VerifyReport(Direction direction, boolean sampled, boolean complete, Instant at, long elapsedMillis,
                           List<TableReport> tables, List<Difference> firstDifferences) {
    public static final int KEPT = 1000;

    public VerifyReport {
        tables = List.copyOf(tables);
        firstDifferences = List.copyOf(firstDifferences);
    }

    public long rowsCompared() {
        return tables.stream().mapToLong(TableReport::rowsCompared).sum();
    }

    public long differences() {
        return tables.stream().mapToLong(TableReport::differences).sum();
    }

    /** Rows that differ only through the plan's lossy reverse mapping (reverse only): no differences. */
    public long lossy() {
        return tables.stream().mapToLong(TableReport::lossy).sum();
    }

    /** What the lossy rows are and why they are no differences, in one sentence (the command line and the console say it alike); "" when none. */
    public String lossyLine() {
        long rows = lossy();
        if (rows == 0) {
            return "";
        }
        return String.format("%,d %s only through the plan's lossy reverse mapping: each old row maps forward exactly onto"
                + " its new row, so rolling back to it loses nothing; not differences, and repair leaves the old originals", rows,
                rows == 1 ? "row differs" : "rows differ");
    }

    /** No difference found. For a sample this says nothing about the rows not sampled. */
    public boolean identical() {
        return differences() == 0;
    }

    /** What the phase guard may rely on: every row of every table compared, none differing. */
    public boolean clean() {
        return identical() && !sampled && complete;
    }
}
