package dev.cutover.verify;

import dev.cutover.sql.Direction;

import java.util.List;

/**
 * How a verification (or the comparison of a repair) runs. Immutable; each {@code with…} returns a
 * changed copy and rejects a value out of range with a message naming the command-line flag.
 *
 * <ul>
 *   <li>{@code direction}: FORWARD compares old (after the mapping) with new; REVERSE new (through reverse) with old</li>
 *   <li>{@code tables}: only these tables (target or source table names), all when empty</li>
 *   <li>{@code sample}: compare only this many random rows per table (0: every row)</li>
 *   <li>{@code chunkRows}: a fixed number of rows per chunk; 0 sizes chunks to {@code targetChunkSeconds}</li>
 *   <li>{@code leafRows}: a differing range of at most this many rows is fetched and compared row by row</li>
 *   <li>{@code workers}: worker threads of this process (each holds one connection per side and one to the ledger)</li>
 *   <li>{@code maxRowsPerSec}: cap on rows compared per second by this process (0: no cap); changeable while running
 *       through {@link Verifier#throttle()} or the Redis throttle hash</li>
 *   <li>{@code latencyLimitMillis}: back off while a {@code SELECT 1} on the old database takes longer (0: off)</li>
 *   <li>{@code redisUrl}: chunk leases in Redis, so {@code cutover worker --job verify} can join (null: one process)</li>
 * </ul>
 */
public final class VerifyOptions {
    private Direction direction;
    private List<String> tables = List.of();
    private int sample;
    private int chunkRows;
    private double targetChunkSeconds = 0.5;
    private int leafRows = 64;
    private int workers = 2;
    private long maxRowsPerSec;
    private long latencyLimitMillis = 100;
    private long probeIntervalMillis = 500;
    private String redisUrl;
    private long leaseTtlMillis = 10_000;
    private int retries = 5;
    private long retryBaseMillis = 500;
    private long progressIntervalMillis = 1_000;
    private String workerId;

    private VerifyOptions(Direction direction) {
        this.direction = direction;
    }

    public static VerifyOptions defaults(Direction direction) {
        return new VerifyOptions(direction);
    }

    private VerifyOptions copy() {
        VerifyOptions o = new VerifyOptions(direction);
        o.tables = tables;
        o.sample = sample;
        o.chunkRows = chunkRows;
        o.targetChunkSeconds = targetChunkSeconds;
        o.leafRows = leafRows;
        o.workers = workers;
        o.maxRowsPerSec = maxRowsPerSec;
        o.latencyLimitMillis = latencyLimitMillis;
        o.probeIntervalMillis = probeIntervalMillis;
        o.redisUrl = redisUrl;
        o.leaseTtlMillis = leaseTtlMillis;
        o.retries = retries;
        o.retryBaseMillis = retryBaseMillis;
        o.progressIntervalMillis = progressIntervalMillis;
        o.workerId = workerId;
        return o;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public VerifyOptions withDirection(Direction d) {
        VerifyOptions o = copy();
        o.direction = d;
        return o;
    }

    public VerifyOptions withTables(List<String> t) {
        VerifyOptions o = copy();
        o.tables = List.copyOf(t);
        return o;
    }

    public VerifyOptions withSample(int n) {
        check(n >= 0, "--sample must be a positive number of rows (got " + n + ")");
        VerifyOptions o = copy();
        o.sample = n;
        return o;
    }

    /** A fixed chunk size; 0 sizes chunks by time ({@link #withTargetChunkSeconds}). */
    public VerifyOptions withChunkRows(int n) {
        check(n == 0 || n >= 2, "--chunk-rows must be at least 2, or 0 to size chunks by time (got " + n + ")");
        VerifyOptions o = copy();
        o.chunkRows = n;
        return o;
    }

    public VerifyOptions withTargetChunkSeconds(double s) {
        check(s > 0 && s <= 60, "--chunk-time must be between 0 and 60 seconds (got " + s + ")");
        VerifyOptions o = copy();
        o.targetChunkSeconds = s;
        return o;
    }

    public VerifyOptions withLeafRows(int n) {
        check(n >= 1, "leaf rows must be at least 1 (got " + n + ")");
        VerifyOptions o = copy();
        o.leafRows = n;
        return o;
    }

    public VerifyOptions withWorkers(int n) {
        check(n >= 1 && n <= 64, "--workers must be 1..64 (got " + n + ")");
        VerifyOptions o = copy();
        o.workers = n;
        return o;
    }

    public VerifyOptions withMaxRowsPerSec(long n) {
        check(n >= 0, "--max-rows-per-sec must be 0 (no cap) or more (got " + n + ")");
        VerifyOptions o = copy();
        o.maxRowsPerSec = n;
        return o;
    }

    public VerifyOptions withLatencyLimitMillis(long ms) {
        check(ms >= 0, "--latency-limit must be 0 (off) or more milliseconds (got " + ms + ")");
        VerifyOptions o = copy();
        o.latencyLimitMillis = ms;
        return o;
    }

    public VerifyOptions withProbeIntervalMillis(long ms) {
        VerifyOptions o = copy();
        o.probeIntervalMillis = Math.max(10, ms);
        return o;
    }

    /** Redis for chunk leases and the run's announcement (workers join through it); null runs in this process only. */
    public VerifyOptions withRedisUrl(String url) {
        VerifyOptions o = copy();
        o.redisUrl = url;
        return o;
    }

    public VerifyOptions withLeaseTtlMillis(long ms) {
        check(ms >= 100, "--lease-ttl must be at least 100 ms (got " + ms + ")");
        VerifyOptions o = copy();
        o.leaseTtlMillis = ms;
        return o;
    }

    /** Attempts after the first for a chunk whose statement failed with a transient error (a dropped connection). */
    public VerifyOptions withRetries(int n, long baseMillis) {
        check(n >= 0, "--retries must be 0 or more (got " + n + ")");
        VerifyOptions o = copy();
        o.retries = n;
        o.retryBaseMillis = Math.max(1, baseMillis);
        return o;
    }

    public VerifyOptions withProgressIntervalMillis(long ms) {
        VerifyOptions o = copy();
        o.progressIntervalMillis = Math.max(50, ms);
        return o;
    }

    public VerifyOptions withWorkerId(String id) {
        VerifyOptions o = copy();
        o.workerId = id;
        return o;
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

    public double targetChunkSeconds() {
        return targetChunkSeconds;
    }

    public int leafRows() {
        return leafRows;
    }

    public int workers() {
        return workers;
    }

    public long maxRowsPerSec() {
        return maxRowsPerSec;
    }

    public long latencyLimitMillis() {
        return latencyLimitMillis;
    }

    public long probeIntervalMillis() {
        return probeIntervalMillis;
    }

    public String redisUrl() {
        return redisUrl;
    }

    public long leaseTtlMillis() {
        return leaseTtlMillis;
    }

    public int retries() {
        return retries;
    }

    public long retryBaseMillis() {
        return retryBaseMillis;
    }

    public long progressIntervalMillis() {
        return progressIntervalMillis;
    }

    public String workerId() {
        return workerId;
    }

    public boolean sampled() {
        return sample > 0;
    }
}
