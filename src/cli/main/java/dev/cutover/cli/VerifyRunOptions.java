package dev.cutover.cli;

import dev.cutover.app.VerifyWorkflow;
import dev.cutover.sql.Direction;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.work.JobOptions;
import dev.cutover.work.ProgressEvent;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Options shared by {@code verify} and {@code repair} (a picocli mixin), and the choice of direction. */
public final class VerifyRunOptions {
    @Option(names = "--table", paramLabel = "T", description = "only this table (target or source name); repeatable")
    List<String> tables = new ArrayList<>();

    @Option(names = "--direction", paramLabel = "forward|reverse",
            description = "forward: old (after the mapping) is the truth, compared with new; reverse: new (through reverse) "
                    + "is the truth, compared with old. Default: from the phase in Redis (reverse from new_primary on), "
                    + "forward without Redis")
    String direction;

    @Option(names = "--chunk-rows", paramLabel = "N",
            description = "a fixed number of rows per chunk (default: chunks sized to --chunk-time)")
    int chunkRows;

    @Option(names = "--retries", paramLabel = "N",
            description = "attempts after the first for a chunk whose statement failed on a dropped connection (default: ${DEFAULT-VALUE})")
    int retries = 5;

    @Option(names = "--recheck-after", paramLabel = "TIME", converter = DurationConverter.class,
            description = "wait this long before the re-check of differing rows (e.g. 2s beside a running 'cutover sync', whose"
                    + " writes arrive a moment later; default: at once)")
    java.time.Duration recheckAfter = java.time.Duration.ZERO;

    @Mixin
    WorkOptions work;

    /** The direction: given, else from the phase in Redis ({@link VerifyWorkflow}, as the console chooses it). */
    VerifyWorkflow.Chosen direction(Connections conn, String migration) {
        if (direction != null) {
            try {
                return VerifyWorkflow.given(direction);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        return VerifyWorkflow.fromPhase(conn.redisUrlIfGiven(), migration);
    }

    /** The options of a run in direction {@code d}; with Redis (when given) for leases, so workers can join. */
    VerifyOptions options(Connections conn, Direction d, int sample) {
        JobOptions job = work.job(conn.redisUrlIfGiven());
        try {
            return VerifyOptions.defaults(d).withTables(tables).withSample(sample).withChunkRows(chunkRows)
                    .withRecheckDelayMillis(recheckAfter.toMillis()).withWork(job.withRetries(retries, 500));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The progress display: rows compared by every worker of the run, from the ledger. */
    VerifyListener progress(PrintWriter out) {
        ProgressPrinter printer = work.printer(out);
        return new VerifyListener() {
            @Override
            public void onProgress(ProgressEvent e) {
                printer.onProgress(e);
            }
        };
    }
}
