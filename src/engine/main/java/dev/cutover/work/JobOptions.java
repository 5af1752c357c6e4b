package dev.cutover.work;

import java.util.function.Consumer;

/**
 * The tuning every chunked job takes alike (backfill, verify, and {@code cutover worker} for either):
 * worker threads, the rows/s cap, the chunk size (a target time per chunk, within row bounds), the
 * latency guard on the old database, Redis for leases across processes, retries and the progress
 * interval. Immutable; each {@code with…} returns a changed copy and rejects a value out of range
 * with a message naming the command-line flag. Each job's own options hold one
 * ({@code BackfillOptions.work()}, {@code VerifyOptions.work()}); {@link RunControl} and
 * {@link ChunkRunner} run a job with it.
 *
 * <ul>
 *   <li>{@code workers}: worker threads of this process (each holds its own connections)</li>
 *   <li>{@code maxRowsPerSec}: cap on the rows this process moves per second (0: none); changeable while
 *       running through {@link RunControl#throttle()} or the job's Redis throttle hash</li>
 *   <li>{@code targetChunkSeconds}, {@code minChunkRows}, {@code initialChunkRows}, {@code maxChunkRows}:
 *       chunks are sized to take about this long, starting at the initial rows and kept within the bounds
 *       (all three equal: a fixed chunk size)</li>
 *   <li>{@code latencyLimitMillis}: back off while the 90th percentile of {@code SELECT 1} probes on the old
 *       database, one every {@code probeIntervalMillis}, is above it (0: off)</li>
 *   <li>{@code redisUrl}: chunk leases in Redis, so other processes can join (null: this process only);
 *       a worker that dies has its chunk taken over after {@code leaseTtlMillis}</li>
 *   <li>{@code retries}, {@code retryBaseMillis}: attempts after the first for a failing chunk, with back-off
 *       doubling from the base</li>
 *   <li>{@code workerId}: this process's id in the ledger and the leases (null: {@code host:pid:random})</li>
 *   <li>{@code lockCheckMillis}: how often the run re-checks that it still holds its advisory run lock (stops when not)</li>
 * </ul>
 */
public final class JobOptions {
    private int workers = 2;
    private long maxRowsPerSec;
    private double targetChunkSeconds = 0.5;
    private int minChunkRows = 10;
    private int initialChunkRows = 1_000;
    private int maxChunkRows = 1_000_000;
    private long latencyLimitMillis = 100;
    private long probeIntervalMillis = 100;
    private String redisUrl;
    private long leaseTtlMillis = 10_000;
    private int retries = 5;
    private long retryBaseMillis = 500;
    private long progressIntervalMillis = 1_000;
    private String workerId;
    private long lockCheckMillis = 500;

    private JobOptions() {
    }

    /** The defaults: 2 workers, no cap, 0.5 s chunks, latency guard at 100 ms, no Redis; they suit production. */
    public static JobOptions defaults() {
        return new JobOptions();
    }

    /** A copy with {@code change} applied (to the copy only: this stays as it is). */
    private JobOptions with(Consumer<JobOptions> change) {
        JobOptions o = new JobOptions();
        o.workers = workers;
        o.maxRowsPerSec = maxRowsPerSec;
        o.targetChunkSeconds = targetChunkSeconds;
        o.minChunkRows = minChunkRows;
        o.initialChunkRows = initialChunkRows;
        o.maxChunkRows = maxChunkRows;
        o.latencyLimitMillis = latencyLimitMillis;
        o.probeIntervalMillis = probeIntervalMillis;
        o.redisUrl = redisUrl;
        o.leaseTtlMillis = leaseTtlMillis;
        o.retries = retries;
        o.retryBaseMillis = retryBaseMillis;
        o.progressIntervalMillis = progressIntervalMillis;
        o.workerId = workerId;
        o.lockCheckMillis = lockCheckMillis;
        change.accept(o);
        return o;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public JobOptions withWorkers(int n) {
        check(n >= 1 && n <= 64, "--workers must be between 1 and 64, got " + n);
        return with(o -> o.workers = n);
    }

    /** 0 means no cap. */
    public JobOptions withMaxRowsPerSec(long n) {
        check(n >= 0, "--max-rows-per-sec must be 0 (no cap) or more, got " + n);
        return with(o -> o.maxRowsPerSec = n);
    }

    public JobOptions withTargetChunkSeconds(double s) {
        check(s > 0 && s <= 60, "--chunk-time must be between 0 and 60 seconds, got " + s);
        return with(o -> o.targetChunkSeconds = s);
    }

    /** Rows of the first chunk, and the bounds the sizer keeps to (the floor guards against per-statement overhead). */
    public JobOptions withChunkRows(int min, int initial, int max) {
        check(min >= 1 && initial >= min && max >= initial, "chunk rows: min " + min + ", initial " + initial + ", max " + max);
        return with(o -> {
            o.minChunkRows = min;
            o.initialChunkRows = initial;
            o.maxChunkRows = max;
        });
    }

    /** Back off while the old database's probes (their 90th percentile over 2 s) take longer than this; 0 turns the guard off. */
    public JobOptions withLatencyLimitMillis(long ms) {
        check(ms >= 0, "--latency-limit must be 0 (off) or more milliseconds, got " + ms);
        return with(o -> o.latencyLimitMillis = ms);
    }

    public JobOptions withProbeIntervalMillis(long ms) {
        return with(o -> o.probeIntervalMillis = Math.max(10, ms));
    }

    /** Redis for chunk leases (and each job's summary); null runs in this process only. */
    public JobOptions withRedisUrl(String url) {
        return with(o -> o.redisUrl = url);
    }

    public JobOptions withLeaseTtlMillis(long ms) {
        check(ms >= 100, "--lease-ttl must be at least 100 ms, got " + ms);
        return with(o -> o.leaseTtlMillis = ms);
    }

    /** Attempts after the first for a chunk that failed with an error a retry may cure (a dropped connection). */
    public JobOptions withRetries(int n, long baseMillis) {
        check(n >= 0, "--retries must be 0 or more, got " + n);
        return with(o -> {
            o.retries = n;
            o.retryBaseMillis = Math.max(1, baseMillis);
        });
    }

    public JobOptions withProgressIntervalMillis(long ms) {
        return with(o -> o.progressIntervalMillis = Math.max(50, ms));
    }

    public JobOptions withWorkerId(String id) {
        return with(o -> o.workerId = id);
    }

    /** How often the run re-checks that its session still holds the run's advisory lock ({@link RunLock}). */
    public JobOptions withLockCheckMillis(long ms) {
        check(ms >= 10, "lock check interval must be at least 10 ms, got " + ms);
        return with(o -> o.lockCheckMillis = ms);
    }

    public long lockCheckMillis() {
        return lockCheckMillis;
    }

    public int workers() {
        return workers;
    }

    public long maxRowsPerSec() {
        return maxRowsPerSec;
    }

    public double targetChunkSeconds() {
        return targetChunkSeconds;
    }

    public int minChunkRows() {
        return minChunkRows;
    }

    public int initialChunkRows() {
        return initialChunkRows;
    }

    public int maxChunkRows() {
        return maxChunkRows;
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
}
