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

        /**
         * Reads are counted per side ({@link #READS_OLD}/{@link #READS_NEW}: every read executed on that
         * side, served or shadow, each with its latency added to the side's sum and histogram);
         * {@link #ERRORS_OLD}/{@link #ERRORS_NEW} count the failed ones. The histogram is NOT
         * cumulative: a read of 7 ms increments exactly one field, the first bound at or above it
         * ({@code lat_new_le_10}); the last bound, {@code Integer.MAX_VALUE}, is written as the number
         * ({@code lat_new_le_2147483647}), as every writer appends the bound.
         */
        public static String latencyField(boolean newSide, int boundMs) {
            return (newSide ? LATENCY_HIST_PREFIX_NEW : LATENCY_HIST_PREFIX_OLD) + boundMs;
        }

        /** Per-query comparison counter, e.g. {@code compared:orders_by_id}. */
        public static String comparedFor(String query) {
            return COMPARED + ":" + query;
        }

        /** Per-query mismatch counter, e.g. {@code mismatches:orders_by_id}. */
        public static String mismatchesFor(String query) {
            return MISMATCHES + ":" + query;
        }

        private Metric() {
        }
    }

    /**
     * Fields of the backfill summary hash {@link #backfill()}, written by every backfill process of
     * the run about once a second. {@code state} is {@code running | complete | failed | stopped};
     * {@code complete} only when every table of the plan is copied (the phase guard reads it).
     */
    public static final class Backfill {
        public static final String STATE = "state";
        public static final String ROWS_DONE = "rows_done";
        public static final String ROWS_TOTAL = "rows_total";
        /** Epoch milliseconds of the last write. */
        public static final String UPDATED_AT = "updated_at";
        public static final String ROWS_PER_SEC = "rows_per_sec";
        /** Seconds left at the current rate; empty when unknown. */
        public static final String ETA_SECONDS = "eta_seconds";
        /** JSON array of {table, state, rows_done, rows_total, error}. */
        public static final String TABLES = "tables";
        /** First error of the run, one line (naming table and key or key range); empty when none. */
        public static final String ERROR = "error";
        public static final String STATE_RUNNING = "running";
        public static final String STATE_COMPLETE = "complete";
        public static final String STATE_FAILED = "failed";
        public static final String STATE_STOPPED = "stopped";
        /** The run is paused through its throttle (the console's Pause, or the throttle hash): no chunk starts until resumed. */
        public static final String STATE_PAUSED = "paused";
        /** The run ended with every table it ran complete, but tables of the plan were not part of it (a {@code --table} run). */
        public static final String STATE_PARTIAL = "partial";
        /** Rows read from the old database are {@link #ROWS_DONE}; of them, written into the new one: */
        public static final String ROWS_WRITTEN = "rows_written";
        /** ... and left out under {@code --on-error skip}, recorded by key in {@code cutover.backfill_skipped}. */
        public static final String ROWS_SKIPPED = "rows_skipped";
        /** "N of M": the plan's tables whose run is complete. */
        public static final String TABLES_COMPLETE = "tables_complete";
        public static final String TABLES_FAILED = "tables_failed";
        /** The plan's tables that are not complete, with their state ({@code public.users (not_run)}, …); empty when none. */
        public static final String MISSING = "missing";
        /** The state of a plan's table in {@link #TABLES} that no run has started. */
        public static final String TABLE_NOT_RUN = "not_run";

        private Backfill() {
        }
    }

    /**
     * Fields of the latest verification hash {@link #verify()}, written by verify, read by the phase
     * guard: clean, not sampled, in the direction of the current truth and younger than the
     * settable maximum age.
     */
    public static final class Verify {
        /** Epoch milliseconds when the verification finished. */
        public static final String AT = "at";
        /** {@code true | false}. */
        public static final String CLEAN = "clean";
        public static final String ROWS_COMPARED = "rows_compared";
        public static final String DIFFERENCES = "differences";
        /**
         * Rows of a reverse verification that differ only through the plan's lossy reverse mapping
         * (each old row maps forward exactly onto its new row): no differences; 0 going forward.
         */
        public static final String LOSSY = "lossy";
        /** {@code forward} (old → new, before new_primary) or {@code reverse} (new → old). */
        public static final String DIRECTION = "direction";
        public static final String DIRECTION_FORWARD = "forward";
        public static final String DIRECTION_REVERSE = "reverse";
        /** {@code true | false}; a sampled verification never satisfies a guard. */
        public static final String SAMPLED = "sampled";
        /**
         * Which databases were compared, as {@code <system identifier>/<database oid>/<database name>}
         * ({@link dev.cutover.pg.DbIdentity#wire}; the system identifier empty where
         * {@code pg_control_system()} is not permitted). The guard accepts only a verification of
         * the databases its evaluator is connected to.
         */
        public static final String OLD_DB = "old_db";
        public static final String NEW_DB = "new_db";
        /** {@code sha256:<hex>} of the plan's canonical JSON the verification ran with. */
        public static final String PLAN_HASH = "plan_hash";
        /**
         * Epoch milliseconds of the latest repair that changed rows (written by repair, never by
         * verify): a repair after {@link #AT} makes that verification stale for the guard.
         */
        public static final String REPAIRED_AT = "repaired_at";

        private Verify() {
        }
    }

    /** Fields of the {@link #routersSeen()} hash: the router instance that last created its heartbeat, its host, when (epoch ms). */
    public static final class RoutersSeen {
        public static final String INSTANCE = "instance";
        public static final String HOST = "host";
        public static final String AT = "at";

        private RoutersSeen() {
        }
    }

    /** Fields of a router heartbeat hash {@link #router(String)}, written by each router instance. */
    public static final class Heartbeat {
        /** Control-state version the router applies. */
        public static final String VERSION = "version";
        public static final String PHASE = "phase";
        /** {@code true | false}: running on its last known state (Redis unreachable, …). */
        public static final String DEGRADED = "degraded";
        public static final String REASON = "reason";
        /** Epoch milliseconds of the heartbeat. */
        public static final String AT = "at";
        public static final String HOST = "host";
        /**
         * The newest version this router applied with nothing made under an older one still in
         * flight: every mirror of a write made under an older version has run, or its failed-write
         * entry is in the stream (not in a lane, an unfinished XADD or the spill file). The flip
         * waits for it ({@link FlipWait}); absent in routers before it (never counted as acknowledged).
         */
        public static final String ACKED_VERSION = "acked_version";

        private Heartbeat() {
        }
    }

    /** Fields of an entry of the failed-write stream {@link #failedWrites()}. */
    public static final class FailedWrite {
        /** Target table, exact name. */
        public static final String TABLE = "table";
        /** JSON object of the key, e.g. {@code {"id":5}}. */
        public static final String KEY = "key";
        /** Epoch milliseconds of the failed write. */
        public static final String AT = "at";
        public static final String ERROR = "error";
        /** The control-state version the write was made under (absent in entries of older routers). */
        public static final String VERSION = "version";
        /**
         * The write target the write was made under ({@code dual_write}: old was its first side,
         * replayed old → new; {@code new_primary}: replayed new → old). Absent in entries of older
         * routers: those are replayed from the truth of the phase in force, as before.
         */
        public static final String WRITE_TARGET = "write_target";

        private FailedWrite() {
        }
    }

    /** Fields of an entry of the audit stream {@link #audit()}. */
    public static final class Audit {
        /** OS user and host, e.g. {@code alice@db-admin-1}; the watchdog writes {@code watchdog@HOST}. */
        public static final String WHO = "who";
        public static final String HOST = "host";
        /** Epoch milliseconds. */
        public static final String AT = "at";
        /** {@code phase | traffic | sample_rate | routing_salt | restore | ramp_down | flip_writes}. */
        public static final String ACTION = "action";
        /** The main field changed ({@code phase}, {@code read_percent}, …). */
        public static final String FIELD = "field";
        public static final String FROM = "from";
        public static final String TO = "to";
        public static final String WHY = "why";
        /** {@code true} when a refused guard was overridden. */
        public static final String OVERRIDE = "override";
        /** The guard(s) overridden, as the refusal message said. */
        public static final String GUARD = "guard";
        /** The version the change produced. */
        public static final String VERSION = "version";
        /** Every field changed: JSON {@code {"phase":["a","b"],"read_percent":["0","100"]}}. */
        public static final String CHANGES = "changes";
        /** The full new state, as on the change channel ({@link ControlStateCodec#toJson}). */
        public static final String STATE = "state";

        private Audit() {
        }
    }

    /** Fields of a chunked job's throttle hash {@link #workThrottle}: set by the console or CLI, applied by every worker. */
    public static final class WorkThrottle {
        /** Rows/s cap of each worker process; 0 = no cap. */
        public static final String MAX_ROWS_PER_SEC = "max_rows_per_sec";
        /** "true" pauses every worker after its current chunk, "false" resumes. */
        public static final String PAUSED = "paused";

        private WorkThrottle() {
        }
    }

    /** Fields of the sync hash {@link #sync()}, written by {@code cutover sync} about once a second (docs/sync.md). */
    public static final class Sync {
        /** {@code running | retrying | stopped | failed}. */
        public static final String STATE = "state";
        /** The replication slot (and publication) name on the old database. */
        public static final String SLOT = "slot";
        /** The slot's confirmed position, e.g. {@code 0/1A2B3C8}. */
        public static final String CONFIRMED_LSN = "confirmed_lsn";
        /** {@code pg_current_wal_lsn() - confirmed_flush_lsn} in bytes. */
        public static final String LAG_BYTES = "lag_bytes";
        /** Seconds behind: now minus the commit time of the oldest transaction whose keys wait, 0 when none wait. */
        public static final String LAG_SECONDS = "lag_seconds";
        public static final String CHANGES_PER_SEC = "changes_per_sec";
        /** Row changes applied by this process since it started. */
        public static final String CHANGES_APPLIED = "changes_applied";
        /** WAL the slot retains on the old server ({@code pg_current_wal_lsn() - restart_lsn}), bytes. */
        public static final String RETAINED_WAL_BYTES = "retained_wal_bytes";
        /** The warning size ({@code --max-retained-wal}), bytes. */
        public static final String MAX_RETAINED_WAL_BYTES = "max_retained_wal_bytes";
        /** The last error, one line without row values; empty when none. */
        public static final String LAST_ERROR = "last_error";
        /** Epoch milliseconds of the write. */
        public static final String UPDATED_AT = "updated_at";

        private Sync() {
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

    /** Hash: lag and health of {@code cutover sync} (fields {@link Sync}). */
    public String sync() {
        return prefix + "sync";
    }

    /** Hash: the same for the reverse stream, {@code cutover sync --reverse}. */
    public String syncReverse() {
        return prefix + "sync:reverse";
    }

    /**
     * Hash, TTL 2 min: a request that the {@code cutover sync} streaming {@link #sync()} (or, with
     * {@code reverse}, {@link #syncReverse()}) stop after the batch in hand, from a console that flips
     * the writes while the stream runs in another process (fields {@link SyncStop}).
     */
    public String syncStop(boolean reverse) {
        return (reverse ? syncReverse() : sync()) + ":stop";
    }

    /** Fields of a {@link #syncStop} request. */
    public static final class SyncStop {
        /** Who asks, {@code user@host}. */
        public static final String WHO = "who";
        /** Epoch ms of the request: a run started after it is not asked. */
        public static final String AT = "at";
        /** Why, e.g. "console: flip writes to the new database". */
        public static final String WHY = "why";

        private SyncStop() {
        }
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

    /** String: epoch milliseconds of the latest change of the state (set with the version). */
    public String changedAt() {
        return prefix + "changed_at";
    }

    /**
     * String: epoch milliseconds when the state was first written. Present whenever the version
     * is; one without the other means Redis lost part of the state (eviction).
     */
    public String createdAt() {
        return prefix + "created_at";
    }

    /** Pub/sub channel: each change publishes the new state as JSON (with its version). */
    public String changes() {
        return prefix + "changes";
    }

    /** Stream, append-only: one entry per change, fields in {@link Audit}. */
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

    /**
     * Sorted set: the routing keys routers served recently, member {@code <salt>:<bucket>:<key id>},
     * score = last seen (epoch ms); bounded by age and size ({@link SeenRoutingKeys}).
     */
    public String routingKeys() {
        return prefix + "routing_keys";
    }

    /** Hash: backfill run summary (state running|complete|failed, rows_done, rows_total, updated_at, ...). */
    public String backfill() {
        return prefix + "backfill";
    }

    /** Hash: latest verification result (at, clean, rows_compared, differences, direction, sampled, old_db, new_db, plan_hash). */
    public String verify() {
        return prefix + "verify";
    }

    /**
     * Hash with TTL: the verification (or repair) running now, announced by the process that started
     * it and refreshed while it runs, so that {@code cutover worker --job verify} can join it (job,
     * direction, repair, tables, hash, chunk_rows, coordinator, started_at).
     */
    public String verifyRun() {
        return prefix + "verify:run";
    }

    /** Hash with TTL, one per router instance: heartbeat (version seen, degraded, reason, at). */
    public String router(String instanceId) {
        return prefix + "router:" + instanceId;
    }

    /** Pattern matching every router heartbeat key. */
    public String routerPattern() {
        return prefix + "router:*";
    }

    /**
     * Hash, no TTL: that a router has reported for this migration at all (fields in
     * {@link RoutersSeen}). Written by a router whenever it creates its heartbeat (at its start, and
     * again if the heartbeat key was lost), never removed by it: the heartbeats expire, this stays.
     * The phase guards read it to tell a sync-only migration (no router ever) from one whose routers
     * are down ({@link Guards#routerGuardsApply}). Not under {@code router:}, so never taken for a heartbeat.
     */
    public String routersSeen() {
        return prefix + "routers_seen";
    }

    /**
     * String with TTL: the lease of one chunk of a chunked job ({@code job} = backfill, verify),
     * value the worker id; {@code leaseId} is {@code schema.table:seq}. Expires when its worker dies.
     */
    public String workLease(String job, String leaseId) {
        return prefix + job + ":lease:" + leaseId;
    }

    /** Hash: live throttle of a chunked job's workers (fields in {@link WorkThrottle}). */
    public String workThrottle(String job) {
        return prefix + job + ":throttle";
    }

    /** Any further key of a component, under this migration's prefix (e.g. backfill leases). */
    public String key(String suffix) {
        return prefix + suffix;
    }
}
