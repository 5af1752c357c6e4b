package dev.cutover.backfill;

import dev.cutover.work.ChunkLedger;
import dev.cutover.work.TableProgress;

import java.time.Duration;
import java.util.List;

/**
 * How a backfill run ended: each table's state and rows, the chunks that failed after their retries
 * (with key ranges), the rows skipped under {@code --on-error skip}, and whether it was stopped early.
 */
public record BackfillReport(List<TableProgress> tables, List<ChunkLedger.Failed> failedChunks, List<SkippedRow> skipped,
                             boolean stopped, long rowsByThisProcess, Duration workTime, List<String> workerErrors) {
    /** A row left out under the skip policy: target table, key JSON, error. */
    public record SkippedRow(String table, String key, String error) {
    }

    public boolean complete() {
        return !stopped && workerErrors.isEmpty() && tables.stream().allMatch(t -> "complete".equals(t.state()));
    }

    /** One line per problem: a table stopped (naming the row key or chunk key range), a worker that could not go on. */
    public List<String> errors() {
        List<String> out = new java.util.ArrayList<>(tables.stream().filter(t -> t.error() != null).map(TableProgress::error).toList());
        out.addAll(workerErrors);
        return out;
    }

    public long rowsDone() {
        return tables.stream().mapToLong(TableProgress::rowsDone).sum();
    }
}
