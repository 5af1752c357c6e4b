package dev.cutover.sql;

import dev.cutover.plan.SqlNames;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The statements of the backfill, for the engine and the console's SQL preview. One chunk is:
 * {@link #copyOut} on the old database (the plan's transforms, one key range, binary COPY), streamed
 * into the new database either straight into the target ({@link #copyInTarget}; a key that already
 * exists there makes the whole COPY fail, it is rolled back to a savepoint and the chunk goes the
 * staging way) or into a session staging table ({@link #copyInStaging}) and then
 * {@link #insertFromStaging} with {@code ON CONFLICT (key) DO NOTHING}. Either way a row already
 * in the target (a router's dual write) is never overwritten, and the chunk's checkpoint
 * ({@link ChunkSql#CHUNK_DONE}) commits in the same transaction as its rows.
 */
public final class BackfillSql {
    private BackfillSql() {
    }

    /**
     * Session setting of a backfill worker's connection to the new database: commits don't wait for
     * the WAL flush (a chunk and its checkpoint stay atomic; a server crash loses at most the last
     * moments of chunks, redone on resume). {@link #DURABLE} makes everything so far durable.
     */
    public static final String SESSION_NEW = "SET synchronous_commit = off";

    /**
     * A transaction with a transaction id, committed synchronously: its commit waits for the WAL up to
     * it, so every earlier asynchronous commit of the backfill is on disk once it returns.
     */
    public static final String DURABLE = "SELECT txid_current()";

    /** {@code COPY (mapped select of (lower, upper]) TO STDOUT (FORMAT binary)}; keys as literals (COPY takes no parameters). */
    public static String copyOut(Flow f, List<String> lower, List<String> upper) {
        return OneStatement.of("COPY (" + f.select(ChunkSql.literalRange(f, lower, upper)) + ") TO STDOUT (FORMAT binary)");
    }

    /**
     * One column's transform alone over the row with one key ({@code ?::type} per key column), or
     * ({@code forKey} false) over the first row of a chunk's key range: finds the target column whose
     * expression fails.
     */
    public static String columnProbe(Flow f, Flow.Projected c, boolean forKey, List<String> lower, List<String> upper) {
        return "SELECT " + c.select() + " FROM " + f.fromTable() + " AS src WHERE "
                + (forKey ? f.fromKeyIn(1) : ChunkSql.literalRange(f, lower, upper)) + " LIMIT 1";
    }

    /** The staging table of one flow in this session: mapped columns typed as the select produces them. */
    public static String stagingName(int index) {
        return "pg_temp." + SqlNames.quote("cutover_staging_" + index);
    }

    /**
     * {@code CREATE TEMP TABLE … ON COMMIT DELETE ROWS}: a session table (no WAL, no other session
     * sees it) emptied by every commit. Its columns have the types of the select's casts, so binary
     * COPY reads back exactly what the old database wrote.
     */
    public static String createStaging(Flow f, int index) {
        String cols = f.columns().stream().map(c -> SqlNames.quote(c.toColumn()) + " " + stagingType(c))
                .collect(Collectors.joining(", "));
        return "CREATE TEMP TABLE IF NOT EXISTS " + SqlNames.quote("cutover_staging_" + index) + " (" + cols + ") ON COMMIT DELETE ROWS";
    }

    public static String truncateStaging(int index) {
        return "TRUNCATE " + stagingName(index);
    }

    public static String copyInStaging(Flow f, int index) {
        return "COPY " + stagingName(index) + " (" + columnList(f) + ") FROM STDIN (FORMAT binary)";
    }

    /** Moves staged rows into the target; keys already there keep their (newer) row. */
    public static String insertFromStaging(Flow f, int index) {
        String select = f.columns().stream()
                .map(c -> SqlNames.quote(c.toColumn()) + (convertsFromText(c) ? "::" + c.toType() : ""))
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + f.toTable() + " (" + columnList(f) + ")\nSELECT " + select + " FROM " + stagingName(index)
                + "\nON CONFLICT (" + f.toKeyColumns() + ") DO NOTHING";
    }

    /** {@code COPY target (cols) FROM STDIN (FORMAT binary)}: the fast path, fails whole on any existing key. */
    public static String copyInTarget(Flow f) {
        return "COPY " + f.toTable() + " (" + columnList(f) + ") FROM STDIN (FORMAT binary)";
    }

    /**
     * True when binary COPY straight into the target reads the select's output correctly: every
     * column is cast to the target's own (built-in) type. Columns of types that exist only on the
     * new side travel as text and need the staging table's cast.
     */
    public static boolean canCopyIntoTarget(Flow f) {
        return f.columns().stream().noneMatch(BackfillSql::convertsFromText);
    }

    private static boolean convertsFromText(Flow.Projected c) {
        return c.cast().equals("text") && !c.toType().equals("text");
    }

    private static String stagingType(Flow.Projected c) {
        return c.cast().isEmpty() ? c.toType() : c.cast();
    }

    private static String columnList(Flow f) {
        return f.columns().stream().map(c -> SqlNames.quote(c.toColumn())).collect(Collectors.joining(", "));
    }

    // ---- rows skipped under --on-error skip (checkpoint database) ---------------------------------

    public static final String SKIPPED_DDL = """
            SELECT pg_advisory_xact_lock(hashtext('cutover.ledger'));
            """ + dev.cutover.sql.ChunkSql.ENSURE_SCHEMA + """
            CREATE TABLE IF NOT EXISTS cutover.backfill_skipped (
              migration text NOT NULL,
              table_name text NOT NULL,
              key jsonb NOT NULL,
              error text NOT NULL,
              at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (migration, table_name, key));
            """;

    public static final String SKIPPED_RECORD = "INSERT INTO cutover.backfill_skipped (migration, table_name, key, error) "
            + "VALUES (?, ?, ?::jsonb, ?) ON CONFLICT (migration, table_name, key) DO UPDATE SET error = EXCLUDED.error, at = now()";

    public static final String SKIPPED_LIST = "SELECT table_name, key::text, error FROM cutover.backfill_skipped "
            + "WHERE migration = ? ORDER BY table_name, at, key::text";

    /** Rows skipped per table of a migration: table_name, count. */
    public static final String SKIPPED_COUNTS = "SELECT table_name, count(*) FROM cutover.backfill_skipped WHERE migration = ? GROUP BY table_name";

    public static final String SKIPPED_FORGET = "DELETE FROM cutover.backfill_skipped WHERE migration = ? AND table_name = ?";

    /** The statements of one chunk, titled, for the console's SQL preview (key values shown as placeholders). */
    public static List<SqlPreview.Statement> preview(Flow f) {
        List<SqlPreview.Statement> out = new ArrayList<>();
        List<String> lo = f.key().stream().map(k -> "<last key done: " + k.fromColumn() + ">").toList();
        List<String> hi = f.key().stream().map(k -> "<chunk upper key: " + k.fromColumn() + ">").toList();
        out.add(new SqlPreview.Statement("Backfill: next chunk boundary", "old database", ChunkSql.boundaryWithin(f, true)));
        out.add(new SqlPreview.Statement("Backfill: read one chunk", "old database", copyOut(f, lo, hi)));
        if (canCopyIntoTarget(f)) {
            out.add(new SqlPreview.Statement("Backfill: load the chunk (fast path; any existing key aborts it and the chunk goes through staging)",
                    "new database", copyInTarget(f)));
        }
        out.add(new SqlPreview.Statement("Backfill: staging table (once per session)", "new database", createStaging(f, 0)));
        out.add(new SqlPreview.Statement("Backfill: load the chunk into staging", "new database", copyInStaging(f, 0)));
        out.add(new SqlPreview.Statement("Backfill: insert without overwriting rows already there", "new database", insertFromStaging(f, 0)));
        out.add(new SqlPreview.Statement("Backfill: checkpoint, in the same transaction", "new database", ChunkSql.CHUNK_DONE));
        return out;
    }
}
