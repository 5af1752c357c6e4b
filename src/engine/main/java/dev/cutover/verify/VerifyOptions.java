package dev.cutover.verify;

import dev.cutover.sql.Direction;
import dev.cutover.work.JobOptions;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * How a verification (or the comparison of a repair) runs: the tuning every chunked job shares
 * ({@link #work()}: workers, cap, chunk time, latency guard, Redis, retries…) and what only a
 * verification has. Immutable; each {@code with…} returns a changed copy and rejects a value out of
 * range with a message naming the command-line flag.
 *
 * <ul>
 *   <li>{@code direction}: FORWARD compares old (after the mapping) with new; REVERSE new (through reverse) with old</li>
 *   <li>{@code tables}: only these tables (target or source table names), all when empty</li>
 *   <li>{@code sample}: compare only this many random rows per table (0: every row)</li>
 *   <li>{@code chunkRows}: a fixed number of rows per chunk; 0 sizes chunks to the target time of {@link #work()}</li>
 *   <li>{@code leafRows}: a differing range of at most this many rows is fetched and compared row by row</li>
 *   <li>{@code recheckDelayMillis}: how long the re-check of differing rows waits before fetching them again
 *       (0: at once; change capture applies a write a moment after it, so a verify beside a running sync waits)</li>
 *   <li>{@code work}: worker threads of this process (each holds one connection per side and one to the ledger),
 *       the rows/s cap (changeable while running through {@link Verifier#throttle()} or the Redis throttle hash),
 *       the latency guard on the old database, Redis for chunk leases (so {@code cutover worker --job verify}
 *       can join; null: one process)</li>
 * </ul>
 */
public final class VerifyOptions {
    /** Chunk rows when sized by time: the first chunk's, and the bounds the sizer keeps to. */
    private static final int MIN_CHUNK_ROWS = 100;
    private static final int INITIAL_CHUNK_ROWS = 25_000;
    private static final int MAX_CHUNK_ROWS = 1_000_000;

    private Direction direction;
    private List<String> tables = List.of();
    private int sample;
    private int chunkRows;
    private int leafRows = 64;
    private long recheckDelayMillis;
    private JobOptions work = JobOptions.defaults();

    private VerifyOptions(Direction direction) {
        this.direction = direction;
    }

    public static VerifyOptions defaults(Direction direction) {
        return new VerifyOptions(direction);
    }

    /** A copy with {@code change} applied (to the copy only). */
    private VerifyOptions with(Consumer<VerifyOptions> change) {
        VerifyOptions o = new VerifyOptions(direction);
        o.tables = tables;
        o.sample = sample;
        o.chunkRows = chunkRows;
        o.leafRows = leafRows;
        o.recheckDelayMillis = recheckDelayMillis;
        o.work = work;
        change.accept(o);
        return o;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public VerifyOptions withDirection(Direction d) {
        return with(o -> o.direction = d);
    }

    public VerifyOptions withTables(List<String> t) {
        List<String> copy = List.copyOf(t);
        return with(o -> o.tables = copy);
    }

    public VerifyOptions withSample(int n) {
        check(n >= 0, "--sample must be a positive number of rows (got " + n + ")");
        return with(o -> o.sample = n);
    }

    /** A fixed chunk size; 0 sizes chunks by time ({@link JobOptions#withTargetChunkSeconds}). */
    public VerifyOptions withChunkRows(int n) {
        check(n == 0 || n >= 2, "--chunk-rows must be at least 2, or 0 to size chunks by time (got " + n + ")");
        return with(o -> o.chunkRows = n);
    }

    public VerifyOptions withLeafRows(int n) {
        check(n >= 1, "leaf rows must be at least 1 (got " + n + ")");
        return with(o -> o.leafRows = n);
    }

    public VerifyOptions withRecheckDelayMillis(long ms) {
        check(ms >= 0 && ms <= 600_000, "--recheck-after must be between 0 and 10 minutes (got " + ms + " ms)");
        return with(o -> o.recheckDelayMillis = ms);
    }

    /** The shared tuning (its chunk rows are replaced by {@link #withChunkRows}'s). */
    public VerifyOptions withWork(JobOptions w) {
        return with(o -> o.work = w);
    }

    /** Changes the shared tuning: {@code options.withWork(w -> w.withLatencyLimitMillis(0))}. */
    public VerifyOptions withWork(UnaryOperator<JobOptions> change) {
        return withWork(change.apply(work));
    }

    /** Shortcut for {@code withWork(w -> w.withWorkers(n))} (the console's field). */
    public VerifyOptions withWorkers(int n) {
        return withWork(w -> w.withWorkers(n));
    }

    /** Shortcut for {@code withWork(w -> w.withMaxRowsPerSec(n))}; 0 means no cap. */
    public VerifyOptions withMaxRowsPerSec(long n) {
        return withWork(w -> w.withMaxRowsPerSec(n));
    }

    /** Shortcut for {@code withWork(w -> w.withRedisUrl(url))}: chunk leases and the run's announcement there; null runs in this process only. */
    public VerifyOptions withRedisUrl(String url) {
        return withWork(w -> w.withRedisUrl(url));
    }

    public Direction direction() {
        return direction;
    }

    public List<String> tables() {
        return tables;
    }

    public int sample() {
        return sample;
    }

    public int chunkRows() {
        return chunkRows;
    }

    public int leafRows() {
        return leafRows;
    }

    public long recheckDelayMillis() {
        return recheckDelayMillis;
    }

    /** The shared tuning, with the chunk rows of this verification: fixed ones, or verify's bounds when sized by time. */
    public JobOptions work() {
        return chunkRows > 0 ? work.withChunkRows(chunkRows, chunkRows, chunkRows)
                : work.withChunkRows(MIN_CHUNK_ROWS, INITIAL_CHUNK_ROWS, MAX_CHUNK_ROWS);
    }

    public boolean sampled() {
        return sample > 0;
    }
}
