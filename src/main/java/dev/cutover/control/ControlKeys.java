package dev.cutover.control;

/**
 * Every Redis key of one migration's control state, in one place (documented in the README,
 * "Redis keys"). Keys are {@code cutover:{NAME}:...} with the braces kept literally: they are a
 * Redis Cluster hash tag, so all keys of one migration live in one slot and one MULTI or Lua
 * script can change them together.
 */
public final class ControlKeys {
    /** Fields of a per-second metrics bucket (hash {@link #metricsBucket}). Counters unless noted. */
    public static final class Metric {
        public static final String READS_OLD = "reads_old";
        public static final String READS_NEW = "reads_new";
        public static final String ERRORS_OLD = "errors_old";
        public static final String ERRORS_NEW = "errors_new";
        /** Shadow comparisons completed; per query as {@code compared:<query>}. */
        public static final String COMPARED = "compared";
        /** Confirmed mismatches (after the re-check); per query as {@code mismatches:<query>}. */
        public static final String MISMATCHES = "mismatches";
        public static final String SHADOW_ERRORS = "shadow_errors";
        /** Latency sums in microseconds with their counts, per side. */
        public static final String LATENCY_US_SUM_OLD = "latency_us_sum_old";
        public static final String LATENCY_US_SUM_NEW = "latency_us_sum_new";
        /** Latency histogram per side: {@code lat_old_le_<ms>} / {@code lat_new_le_<ms>}, bounds {@link #LATENCY_BOUNDS_MS}. */
        public static final String LATENCY_HIST_PREFIX_OLD = "lat_old_le_";
        public static final String LATENCY_HIST_PREFIX_NEW = "lat_new_le_";
        public static final int[] LATENCY_BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, Integer.MAX_VALUE};
        public static final String MIRROR_WRITES = "mirror_writes";
        public static final String MIRROR_FAILURES = "mirror_failures";
        /** Gauge: failed-write queue depth seen in that second (max). */
        public static final String QUEUE_DEPTH = "queue_depth";
        /** Gauge: replay lag in milliseconds (age of the oldest queued write replayed in that second, max). */
        public static final String REPLAY_LAG_MS = "replay_lag_ms";

        private Metric() {
        }
    }

    /**
     * Fields of the verification summary hash ({@link #verify}), written by {@code cutover verify}
     * after every completed run and read by the console and the phase guard ("verification clean").
     */
    public static final class VerifyField {
        /** Epoch milliseconds when the run started. */
        public static final String AT = "at";
        /** {@code true} only for a complete, exact (not sampled) run over every table without a difference. */
        public static final String CLEAN = "clean";
        /** Rows compared, all tables. */
        public static final String ROWS_COMPARED = "rows_compared";
        /** Differences found, all kinds and tables. */
        public static final String DIFFERENCES = "differences";
        /** {@code forward} (old after the mapping vs new) or {@code reverse} (new through reverse vs old). */
        public static final String DIRECTION = "direction";
        /** {@code true} for a {@code --sample} run (never clean). */
        public static final String SAMPLED = "sampled";

        private VerifyField() {
        }
    }

    private final String prefix;

    public ControlKeys(String migration) {
        if (migration == null || migration.isBlank() || migration.contains("{") || migration.contains("}")) {
            throw new IllegalArgumentException("migration name must be non-empty and contain no braces: '" + migration + "'");
        }
        this.prefix = "cutover:{" + migration + "}:";
    }

    public String prefix() {
        return prefix;
    }

    /** String: the phase, e.g. {@code dual_write}. */
    public String phase() {
        return prefix + "phase";
    }

    /** String: {@code old_only | dual_write | new_primary | new_only}. */
    public String writeTarget() {
        return prefix + "write_target";
    }

    /** String: integer 0..100. */
    public String readPercent() {
        return prefix + "read_percent";
    }

    /** String: decimal 0.0..1.0. */
    public String shadowSampleRate() {
        return prefix + "shadow_sample_rate";
    }

    /** String: salt of the sticky read split's hash. */
    public String routingSalt() {
        return prefix + "routing_salt";
    }

    /** String: integer bumped by every change of the five keys above (compare-and-set token). */
    public String version() {
        return prefix + "version";
    }

    /** Pub/sub channel: each change publishes the new state as JSON (with its version). */
    public String changes() {
        return prefix + "changes";
    }

    /** Stream, append-only: who, host, at, field, from, to, why, override, version. */
    public String audit() {
        return prefix + "audit";
    }

    /** Stream: failed mirror writes (table, key JSON, at, error), consumed by replay workers. */
    public String failedWrites() {
        return prefix + "failed_writes";
    }

    /** Hash, one per second (epoch seconds), expiring after the retention time; fields in {@link Metric}. */
    public String metricsBucket(long epochSecond) {
        return prefix + "metrics:" + epochSecond;
    }

    /** List, capped: newest shadow-read mismatch samples as JSON. */
    public String mismatchSamples() {
        return prefix + "mismatch_samples";
    }

    /** Hash: backfill run summary (state running|complete|failed, rows_done, rows_total, updated_at, ...). */
    public String backfill() {
        return prefix + "backfill";
    }

    /** Hash: latest verification result (at, clean, rows_compared, differences, direction, sampled). */
    public String verify() {
        return prefix + "verify";
    }

    /** Hash with TTL, one per router instance: heartbeat (version seen, degraded, reason, at). */
    public String router(String instanceId) {
        return prefix + "router:" + instanceId;
    }

    /** Pattern matching every router heartbeat key. */
    public String routerPattern() {
        return prefix + "router:*";
    }

    /** Any further key of a component, under this migration's prefix (e.g. backfill leases). */
    public String key(String suffix) {
        return prefix + suffix;
    }
}
