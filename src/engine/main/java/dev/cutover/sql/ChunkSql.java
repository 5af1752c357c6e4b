package dev.cutover.sql;

import dev.cutover.plan.SqlNames;

import java.util.ArrayList;
import java.util.List;

/**
 * Statements of key-range chunk work shared by backfill and verification ({@code dev.cutover.work}):
 * chunk boundaries inside a run's fixed upper bound, the keys of a range, the run's upper bound and
 * size, and the work ledger (runs and chunks checkpointed in the {@code cutover} schema of the
 * checkpoint database). Key values travel as text and are bound back as {@code ?::type}; text keys
 * compare under {@code COLLATE "C"} so a range means the same rows whatever the databases' collations.
 */
public final class ChunkSql {
    private ChunkSql() {
    }

    /**
     * The inclusive upper key of the next chunk of {@code ?} rows after the lower bound (if any) and
     * up to the run's upper bound, or no row when fewer rows are left. Bind: lower key (if any), the
     * run's upper key, then the offset (chunk size − 1). The keys skipped by the offset are not
     * turned into text (only the one returned is): the scan stays an index-only walk.
     */
    public static String boundaryWithin(Flow f, boolean hasLower) {
        KeySql k = KeySql.fromSide(f);
        return "SELECT " + k.textOf("b") + " FROM (SELECT " + k.selectRaw() + " FROM " + f.fromTable() + " AS src WHERE "
                + k.range(hasLower, true) + " ORDER BY " + k.orderBy() + " OFFSET ? LIMIT 1) AS b";
    }

    /** The keys (as text) of the rows in (lower, upper], in key order. Bind: lower (if any), upper. */
    public static String keysIn(Flow f, boolean hasLower) {
        KeySql k = KeySql.fromSide(f);
        return "SELECT " + k.selectAsText() + " FROM " + f.fromTable() + " AS src WHERE " + k.range(hasLower, true)
                + " ORDER BY " + k.orderBy();
    }

    /** The exact number of from rows up to and including a key. Bind: the key. */
    public static String countUpTo(Flow f) {
        KeySql k = KeySql.fromSide(f);
        return "SELECT count(*) FROM " + f.fromTable() + " AS src WHERE " + k.upTo();
    }

    /** The planner's row estimate of the from table (−1 or 0 when never analyzed). */
    public static String rowEstimate(Flow f) {
        return "SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c WHERE c.oid = to_regclass("
                + SqlNames.literal(f.fromTable()) + ")";
    }

    /**
     * The range (lower, upper] over the from row (alias {@code src}) with the key values written as
     * literals, for statements that take no parameters (COPY). {@code lower} null means "from the start".
     */
    public static String literalRange(Flow f, List<String> lower, List<String> upper) {
        List<String> parts = new ArrayList<>();
        if (lower != null) {
            parts.add(compare(f, ">", lower));
        }
        if (upper != null) {
            parts.add(compare(f, "<=", upper));
        }
        return parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    }

    private static String compare(Flow f, String op, List<String> values) {
        if (values.size() != f.key().size()) {
            throw new IllegalArgumentException("key has " + f.key().size() + " columns, got " + values.size() + " values");
        }
        List<String> cols = new ArrayList<>();
        List<String> vals = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Flow.KeyColumn k = f.key().get(i);
            cols.add("src." + k.fromRef());
            vals.add(SqlNames.literal(values.get(i)) + "::" + k.fromType());
        }
        return cols.size() == 1 ? cols.get(0) + " " + op + " " + vals.get(0)
                : "(" + String.join(", ", cols) + ") " + op + " (" + String.join(", ", vals) + ")";
    }

    // ---- the work ledger (checkpoint database, schema "cutover") ----------------------------------

    /**
     * Creates the {@code cutover} schema only when it is missing: {@code CREATE SCHEMA IF NOT EXISTS}
     * checks the CREATE privilege on the database even when the schema exists, which a
     * least-privilege worker role (docs/security.md) does not have.
     */
    public static final String ENSURE_SCHEMA = "DO $ensure$ BEGIN IF to_regnamespace('cutover') IS NULL "
            + "THEN CREATE SCHEMA cutover; END IF; END $ensure$;\n";

    /** Creates the ledger tables if absent; serialized by an advisory lock so concurrent workers don't race. */
    public static final String LEDGER_DDL = """
            SELECT pg_advisory_xact_lock(hashtext('cutover.ledger'));
            """ + ENSURE_SCHEMA + """
            CREATE TABLE IF NOT EXISTS cutover.work_run (
              job text NOT NULL,
              migration text NOT NULL,
              table_name text NOT NULL,
              upper_key text[],
              cursor_key text[],
              exhausted boolean NOT NULL DEFAULT false,
              rows_total bigint NOT NULL DEFAULT 0,
              state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'complete', 'failed')),
              error text,
              started_at timestamptz NOT NULL DEFAULT now(),
              finished_at timestamptz,
              PRIMARY KEY (job, migration, table_name));
            CREATE TABLE IF NOT EXISTS cutover.work_chunk (
              job text NOT NULL,
              migration text NOT NULL,
              table_name text NOT NULL,
              seq bigint NOT NULL,
              lower_key text[],
              upper_key text[] NOT NULL,
              state text NOT NULL DEFAULT 'claimed' CHECK (state IN ('claimed', 'done', 'failed')),
              rows bigint NOT NULL DEFAULT 0,
              written bigint NOT NULL DEFAULT 0,
              attempts int NOT NULL DEFAULT 0,
              error text,
              worker text,
              claimed_at timestamptz NOT NULL DEFAULT now(),
              done_at timestamptz,
              PRIMARY KEY (job, migration, table_name, seq));
            CREATE INDEX IF NOT EXISTS work_chunk_open ON cutover.work_chunk (job, migration, table_name) WHERE state <> 'done';
            """;

    /** The run of one table: upper_key, cursor_key, exhausted, rows_total, state, error, started_at (epoch ms). */
    public static final String RUN_READ = "SELECT upper_key, cursor_key, exhausted, rows_total, state, error, "
            + "(extract(epoch FROM started_at) * 1000)::bigint FROM cutover.work_run WHERE job = ? AND migration = ? AND table_name = ?";

    /** The same, locking the run row: claims of new chunks are serialized by it. */
    public static final String RUN_LOCK = RUN_READ + " FOR UPDATE";

    /** Starts a table's run with its fixed upper bound, unless another worker started it first. */
    public static final String RUN_START = "INSERT INTO cutover.work_run (job, migration, table_name, upper_key, rows_total, exhausted, state, finished_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? THEN 'complete' ELSE 'running' END, CASE WHEN ? THEN now() END) "
            + "ON CONFLICT (job, migration, table_name) DO NOTHING";

    /** Resuming a failed run: back to running, its failed chunks claimable again. */
    public static final String RUN_REOPEN = "UPDATE cutover.work_run SET state = 'running', error = NULL, finished_at = NULL "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND state = 'failed'";
    public static final String CHUNKS_REOPEN = "UPDATE cutover.work_chunk SET state = 'claimed', error = NULL "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND state = 'failed'";

    /** Forgets a table's run (a fresh start with a new upper bound). */
    public static final String RUN_FORGET = "DELETE FROM cutover.work_run WHERE job = ? AND migration = ? AND table_name = ?";
    public static final String CHUNKS_FORGET = "DELETE FROM cutover.work_chunk WHERE job = ? AND migration = ? AND table_name = ?";

    /** Forgets every run and chunk of the jobs whose names start with a prefix (one migration). Bind: prefix, migration. */
    public static final String JOBS_FORGET_CHUNKS = "DELETE FROM cutover.work_chunk WHERE starts_with(job, ?) AND migration = ?";
    public static final String JOBS_FORGET_RUNS = "DELETE FROM cutover.work_run WHERE starts_with(job, ?) AND migration = ?";

    /** Advances the cursor after handing out a chunk. */
    public static final String RUN_ADVANCE = "UPDATE cutover.work_run SET cursor_key = ?, exhausted = ? "
            + "WHERE job = ? AND migration = ? AND table_name = ?";

    public static final String RUN_FINISH = "UPDATE cutover.work_run SET state = 'complete', finished_at = now(), "
            + "rows_total = (SELECT coalesce(sum(rows), 0) FROM cutover.work_chunk c WHERE c.job = ? AND c.migration = ? AND c.table_name = ?) "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND state = 'running' AND exhausted "
            + "AND NOT EXISTS (SELECT 1 FROM cutover.work_chunk c WHERE c.job = ? AND c.migration = ? AND c.table_name = ? AND c.state <> 'done')";

    public static final String RUN_FAIL = "UPDATE cutover.work_run SET state = 'failed', error = ?, finished_at = now() "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND state = 'running'";

    public static final String CHUNK_NEXT_SEQ = "SELECT coalesce(max(seq), 0) + 1 FROM cutover.work_chunk WHERE job = ? AND migration = ? AND table_name = ?";

    public static final String CHUNK_CLAIM = "INSERT INTO cutover.work_chunk (job, migration, table_name, seq, lower_key, upper_key, worker) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)";

    /** Chunks handed out and not done (a dead worker's, or a killed run's), oldest first. */
    public static final String CHUNKS_OPEN = "SELECT seq, lower_key, upper_key, state FROM cutover.work_chunk "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND state <> 'done' ORDER BY seq";

    /**
     * Marks a chunk done, in the same transaction as the chunk's work; updates no row (and the caller
     * rolls back) when the chunk was already done by someone else, so a chunk's work commits once.
     */
    public static final String CHUNK_DONE = "UPDATE cutover.work_chunk SET state = 'done', rows = ?, written = ?, "
            + "attempts = attempts + 1, worker = ?, done_at = now(), error = NULL "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND seq = ? AND state = 'claimed'";

    public static final String CHUNK_FAIL = "UPDATE cutover.work_chunk SET state = 'failed', attempts = attempts + ?, error = ?, worker = ? "
            + "WHERE job = ? AND migration = ? AND table_name = ? AND seq = ? AND state = 'claimed'";

    /** Rows done per table of a migration's job: table_name, rows done, written, chunks done, chunks open. */
    public static final String PROGRESS = "SELECT r.table_name, r.rows_total, r.state, r.error, "
            + "coalesce(sum(c.rows) FILTER (WHERE c.state = 'done'), 0), coalesce(sum(c.written) FILTER (WHERE c.state = 'done'), 0), "
            + "count(c.seq) FILTER (WHERE c.state = 'done'), count(c.seq) FILTER (WHERE c.state <> 'done') "
            + "FROM cutover.work_run r LEFT JOIN cutover.work_chunk c ON c.job = r.job AND c.migration = r.migration AND c.table_name = r.table_name "
            + "WHERE r.job = ? AND r.migration = ? GROUP BY r.table_name, r.rows_total, r.state, r.error";

    /** Failed chunks of a job with their key ranges and errors. */
    public static final String CHUNKS_FAILED = "SELECT table_name, seq, lower_key, upper_key, attempts, error FROM cutover.work_chunk "
            + "WHERE job = ? AND migration = ? AND state = 'failed' ORDER BY table_name, seq";
}
