package dev.cutover.backfill;

import java.util.ArrayList;
import java.util.List;

/** Settings of a backfill run (command-line flags, console fields). Fluent setters; defaults suit production. */
public final class BackfillOptions {
    private List<String> tables = List.of();
    private int workers = 2;
    private long maxRowsPerSec;
    private double targetChunkSeconds = 0.5;
    private int initialChunkRows = 1_000;
    private int minChunkRows = 10;
    private int maxChunkRows = 1_000_000;
    private ErrorPolicy onError = ErrorPolicy.STOP;
    private LoadMode load = LoadMode.AUTO;
    private long latencyLimitMillis = 100;
    private long probeIntervalMillis = 100;
    private String redisUrl;
    private long leaseTtlMillis = 10_000;
    private boolean restart;
    private int retries = 5;
    private long retryBaseMillis = 500;
    private long progressIntervalMillis = 1_000;
    private String workerId;

    /** Target tables (or source tables) to run; empty means every table of the plan. */
    public BackfillOptions tables(List<String> t) {
        tables = t == null ? List.of() : new ArrayList<>(t);
        return this;
    }

    public BackfillOptions workers(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("--workers must be between 1 and 64, got " + n);
        }
        workers = n;
        return this;
    }

    /** 0 means no cap. */
    public BackfillOptions maxRowsPerSec(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("--max-rows-per-sec must be 0 (no cap) or more, got " + n);
        }
        maxRowsPerSec = n;
        return this;
    }

    public BackfillOptions targetChunkSeconds(double s) {
        if (!(s > 0 && s <= 60)) {
            throw new IllegalArgumentException("--chunk-time must be between 0 and 60 seconds, got " + s);
        }
        targetChunkSeconds = s;
        return this;
    }

    public BackfillOptions chunkRows(int min, int initial, int max) {
        if (min < 1 || initial < min || max < initial) {
            throw new IllegalArgumentException("chunk rows: min " + min + ", initial " + initial + ", max " + max);
        }
        minChunkRows = min;
        initialChunkRows = initial;
        maxChunkRows = max;
        return this;
    }

    public BackfillOptions onError(ErrorPolicy p) {
        onError = p;
        return this;
    }

    public BackfillOptions load(LoadMode m) {
        load = m;
        return this;
    }

    /** Back off while the old database's probes (their 90th percentile over 2 s) take longer than this; 0 turns the guard off. */
    public BackfillOptions latencyLimitMillis(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("--latency-limit must be 0 (off) or more milliseconds, got " + ms);
        }
        latencyLimitMillis = ms;
        return this;
    }

    public BackfillOptions probeIntervalMillis(long ms) {
        probeIntervalMillis = Math.max(10, ms);
        return this;
    }

    /** Redis URL for leases and the run summary; null runs in one process without them. */
    public BackfillOptions redisUrl(String url) {
        redisUrl = url;
        return this;
    }

    public BackfillOptions leaseTtlMillis(long ms) {
        if (ms < 100) {
            throw new IllegalArgumentException("lease TTL must be at least 100 ms, got " + ms);
        }
        leaseTtlMillis = ms;
        return this;
    }

    /** Forget the tables' previous runs and start over with new upper bounds. */
    public BackfillOptions restart(boolean r) {
        restart = r;
        return this;
    }

    public BackfillOptions retries(int n, long baseMillis) {
        retries = n;
        retryBaseMillis = baseMillis;
        return this;
    }

    public BackfillOptions progressIntervalMillis(long ms) {
        progressIntervalMillis = Math.max(50, ms);
        return this;
    }

    public BackfillOptions workerId(String id) {
        workerId = id;
        return this;
    }

    public List<String> tables() {
        return tables;
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

    public int initialChunkRows() {
        return initialChunkRows;
    }

    public int minChunkRows() {
        return minChunkRows;
    }

    public int maxChunkRows() {
        return maxChunkRows;
    }

    public ErrorPolicy onError() {
        return onError;
    }

    public LoadMode load() {
        return load;
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

    public boolean restart() {
        return restart;
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
