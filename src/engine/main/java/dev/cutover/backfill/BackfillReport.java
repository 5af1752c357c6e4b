package dev.cutover.backfill;

import dev.cutover.work.ChunkLedger;
import dev.cutover.work.TableProgress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a backfill run ended: each table's state and rows, the chunks that failed (with key ranges),
 * the rows skipped under {@code --on-error skip}, whether it was stopped early, exact counts per table
 * (rows read, written, skipped), the plan's tables this run did not copy and that are not complete,
 * and how many attempts were made again after a passing failure (a lost connection).
 */
public record BackfillReport(List<TableProgress> tables, List<ChunkLedger.Failed> failedChunks, List<SkippedRow> skipped,
                             boolean stopped, long rowsByThisProcess, Duration workTime, List<String> workerErrors,
                             List<TableCounts> counts, List<String> notRun, long retries) {
    /** A row left out under the skip policy: target table, key JSON, error. */
    public record SkippedRow(String table, String key, String error) {
    }

    /**
     * One table's rows over its whole run (every process, every resume): read from the old database,
     * written into the new one, skipped (recorded in {@code cutover.backfill_skipped}); the rest of
     * the rows read were already in the target (the router's dual writes got there first).
     */
    public record TableCounts(String table, dev.cutover.work.TableState state, long rowsRead, long rowsWritten, long rowsSkipped) {
        public long rowsAlreadyThere() {
            return Math.max(0, rowsRead - rowsWritten - rowsSkipped);
        }
    }

    /**
     * True when every table of this run is complete. A worker thread that stopped early does not
     * make a run incomplete when the others finished its tables (it is then a warning).
     */
    public boolean complete() {
        return !stopped && tables.stream().allMatch(t -> t.state() == dev.cutover.work.TableState.COMPLETE);
    }

    /** One line per problem: a table stopped (naming the row key or chunk key range), a worker that could not go on. */
    public List<String> errors() {
        List<String> out = new ArrayList<>(tables.stream().filter(t -> t.error() != null).map(TableProgress::error).toList());
        if (!complete()) {
            out.addAll(workerErrors);
        }
        return out;
    }

    /** Workers that stopped early in a run that completed all the same. */
    public List<String> warnings() {
        return complete() ? workerErrors : List.of();
    }

    public long rowsDone() {
        return tables.stream().mapToLong(TableProgress::rowsDone).sum();
    }

    public long rowsRead() {
        return counts.stream().mapToLong(TableCounts::rowsRead).sum();
    }

    public long rowsWritten() {
        return counts.stream().mapToLong(TableCounts::rowsWritten).sum();
    }

    public long rowsSkipped() {
        return counts.stream().mapToLong(TableCounts::rowsSkipped).sum();
    }
}
