package dev.cutover.backfill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.io.Json;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.ProgressEvent;
import dev.cutover.work.Retry;
import dev.cutover.work.TableState;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Publishes the run's summary to the Redis hash {@link ControlKeys#backfill()} (over every table of
 * the plan, from the ledger, so all worker processes write the same numbers). The live throttle hash
 * is applied by the run itself ({@code dev.cutover.work.JobRun}).
 */
final class BackfillSummary implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillSummary.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    private final RedisCommands<String, String> redis;
    private final ControlKeys keys;
    private final ChunkLedger ledger;
    private final List<String> planTables;
    private final Supplier<Connection> connector;
    private Connection conn;

    BackfillSummary(RedisCommands<String, String> redis, ControlKeys keys, ChunkLedger ledger, List<String> planTables,
                 Supplier<Connection> connector) {
        this.redis = redis;
        this.keys = keys;
        this.ledger = ledger;
        this.planTables = planTables;
        this.connector = connector;
    }

    /**
     * Writes the summary of {@code e}. The last one of a run ({@link ProgressEvent#finished()}) is
     * tried again after a lost connection, so the hash the phase guard reads does not stay "running"
     * after a run that ended.
     */
    void publish(ProgressEvent e) {
        int attempts = e.finished() ? 6 : 1;
        for (int i = 1; i <= attempts; i++) {
            if (publishOnce(e)) {
                return;
            }
            if (i < attempts) {
                try {
                    Thread.sleep(Retry.backoff(200, i));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean publishOnce(ProgressEvent e) {
        try {
            if (conn == null || conn.isClosed()) {
                conn = connector.get();
            }
            Map<String, ChunkLedger.Count> counts = new LinkedHashMap<>();
            for (ChunkLedger.Count c : ledger.progress(conn)) {
                counts.put(c.table(), c);
            }
            Map<String, Long> skippedBy = BackfillEngine.skippedCounts(conn, ledger.migration());
            conn.commit();
            long done = 0;
            long total = 0;
            long written = 0;
            long skipped = 0;
            boolean allComplete = true;
            boolean anyFailed = false;
            boolean anyRunning = false;
            String error = "";
            boolean paused = !e.finished() && e.throttle() != null && e.throttle().paused();
            List<String> missing = new ArrayList<>();
            int complete = 0;
            int failed = 0;
            ArrayNode tables = JSON.createArrayNode();
            for (String t : planTables) {
                ChunkLedger.Count c = counts.get(t);
                TableState tableState = c == null ? null : c.state();
                if (paused && tableState == TableState.RUNNING) {
                    tableState = TableState.PAUSED; // its chunks wait for Resume
                }
                String state = c == null ? Backfill.TABLE_NOT_RUN : tableState.word();
                long rows = c == null ? 0 : c.rowsDone();
                long tot = c == null ? 0 : Math.max(rows, c.rowsTotal());
                long w = c == null ? 0 : c.written();
                long sk = skippedBy.getOrDefault(t, 0L);
                done += rows;
                total += tot;
                written += w;
                skipped += sk;
                allComplete &= tableState == TableState.COMPLETE;
                anyFailed |= tableState == TableState.FAILED;
                anyRunning |= tableState == TableState.RUNNING || tableState == TableState.PAUSED;
                if (tableState == TableState.COMPLETE) {
                    complete++;
                } else {
                    missing.add(t + " (" + state + ")");
                    failed += tableState == TableState.FAILED ? 1 : 0;
                }
                if (error.isEmpty() && c != null && c.error() != null) {
                    error = c.error();
                }
                ObjectNode o = tables.addObject();
                o.put("table", t);
                o.put("state", state);
                o.put("rows_done", rows);
                o.put("rows_total", tot);
                o.put("rows_written", w);
                o.put("rows_skipped", sk);
                if (c != null && c.error() != null) {
                    o.put("error", c.error());
                }
            }
            // a finished run that left no table running but some of the plan's never run: a --table run
            String state = allComplete ? Backfill.STATE_COMPLETE : anyFailed ? Backfill.STATE_FAILED
                    : !e.finished() ? (paused ? Backfill.STATE_PAUSED : Backfill.STATE_RUNNING) : anyRunning ? Backfill.STATE_STOPPED : Backfill.STATE_PARTIAL;
            Map<String, String> h = new LinkedHashMap<>();
            h.put(Backfill.STATE, state);
            h.put(Backfill.ROWS_DONE, String.valueOf(done));
            h.put(Backfill.ROWS_TOTAL, String.valueOf(total));
            h.put(Backfill.ROWS_WRITTEN, String.valueOf(written));
            h.put(Backfill.ROWS_SKIPPED, String.valueOf(skipped));
            h.put(Backfill.TABLES_COMPLETE, complete + " of " + planTables.size());
            h.put(Backfill.TABLES_FAILED, String.valueOf(failed));
            h.put(Backfill.MISSING, String.join(", ", missing));
            h.put(Backfill.ROWS_PER_SEC, String.valueOf(Math.round(e.total().rowsPerSec())));
            h.put(Backfill.ETA_SECONDS, paused || e.total().eta() == null ? "" : String.valueOf(e.total().eta().toSeconds()));
            h.put(Backfill.TABLES, tables.toString());
            h.put(Backfill.ERROR, error);
            h.put(Backfill.UPDATED_AT, String.valueOf(System.currentTimeMillis()));
            redis.hset(keys.backfill(), h);
            return true;
        } catch (SQLException | RuntimeException ex) {
            LOG.warn("cannot publish the backfill summary: {}", ex.getMessage());
            close();
            return false;
        }
    }

    @Override
    public void close() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            conn = null;
        }
    }
}
