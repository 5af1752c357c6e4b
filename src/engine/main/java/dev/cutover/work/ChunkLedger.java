package dev.cutover.work;

import dev.cutover.sql.ChunkSql;
import dev.cutover.sql.Flow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoint of a chunked job (backfill, verify) in the {@code cutover} schema of the checkpoint
 * database: one run per table with the upper key fixed when it started and the cursor of chunks
 * handed out, and one row per chunk (claimed → done | failed). New chunks are cut under a lock on
 * the run row, so every worker of every process sees one sequence of chunks. A chunk's work and its
 * {@link #markDone} commit in one transaction of the caller's: a killed worker leaves its chunk
 * "claimed" and it is redone; a chunk is never done twice.
 *
 * <p>Connections passed in must have auto-commit off; methods other than {@code markDone} commit.
 */
public final class ChunkLedger {
    /** One table's run. {@code upper} is null for a table that was empty when the run started. */
    public record Run(String table, List<String> upper, List<String> cursor, boolean exhausted, long rowsTotal,
                      TableState state, String error, long startedAtMillis) {
        public boolean complete() {
            return state == TableState.COMPLETE;
        }

        public boolean failed() {
            return state == TableState.FAILED;
        }
    }

    /** Progress of one table as the ledger has it. */
    public record Count(String table, long rowsTotal, TableState state, String error, long rowsDone, long written,
                        long chunksDone, long chunksOpen) {
    }

    /** A failed chunk with its error. */
    public record Failed(String table, long seq, KeyRange range, int attempts, String error) {
    }

    private final String job;
    private final String migration;
    private final String workerId;

    public ChunkLedger(String job, String migration, String workerId) {
        this.job = job;
        this.migration = migration;
        this.workerId = workerId;
    }

    public String job() {
        return job;
    }

    public String migration() {
        return migration;
    }

    /** Creates the {@code cutover} schema and ledger tables when absent (touches no user table). */
    public static void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ChunkSql.LEDGER_DDL);
        }
        c.commit();
    }

    public Optional<Run> read(Connection c, String table) throws SQLException {
        Optional<Run> r = readRun(c, table, ChunkSql.RUN_READ);
        c.commit();
        return r;
    }

    /**
     * Starts a table's run with its upper bound (null: the table is empty, the run is complete at
     * once), unless another worker started it first; returns the run as it stands.
     */
    public Run start(Connection c, String table, List<String> upper, long rowsTotal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.RUN_START)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            ps.setString(3, table);
            ps.setArray(4, upper == null ? null : c.createArrayOf("text", upper.toArray()));
            ps.setLong(5, rowsTotal);
            ps.setBoolean(6, upper == null);
            ps.setBoolean(7, upper == null);
            ps.setBoolean(8, upper == null);
            ps.executeUpdate();
        }
        Run r = readRun(c, table, ChunkSql.RUN_READ).orElseThrow();
        c.commit();
        return r;
    }

    /** A failed run becomes running again and its failed chunks claimable (a resume after fixing the cause). */
    public void reopen(Connection c, String table) throws SQLException {
        update(c, ChunkSql.RUN_REOPEN, table);
        update(c, ChunkSql.CHUNKS_REOPEN, table);
        c.commit();
    }

    /** Forgets a table's run and chunks, for a fresh run. */
    public void forget(Connection c, String table) throws SQLException {
        update(c, ChunkSql.CHUNKS_FORGET, table);
        update(c, ChunkSql.RUN_FORGET, table);
        c.commit();
    }

    /**
     * Forgets the runs and chunks of every job of {@code migration} whose name starts with
     * {@code jobPrefix} (jobs named per run, such as each verification's, leave nothing behind).
     */
    public static void forgetJobs(Connection c, String jobPrefix, String migration) throws SQLException {
        for (String sql : new String[] {ChunkSql.JOBS_FORGET_CHUNKS, ChunkSql.JOBS_FORGET_RUNS}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, jobPrefix);
                ps.setString(2, migration);
                ps.executeUpdate();
            }
        }
        c.commit();
    }

    /**
     * Cuts the next chunk of about {@code size} rows after the cursor (reading the boundary on the
     * {@code from} connection), records it as claimed by this worker, takes its lease and returns it;
     * empty when the run is exhausted or no longer running.
     */
    public Optional<Chunk> claimNext(Connection c, Connection from, Flow flow, String table, int size, Leases leases)
            throws SQLException {
        Optional<Run> locked = readRun(c, table, ChunkSql.RUN_LOCK);
        if (locked.isEmpty() || locked.get().state() != TableState.RUNNING || locked.get().exhausted() || locked.get().upper() == null) {
            c.commit();
            return Optional.empty();
        }
        Run run = locked.get();
        List<String> lower = run.cursor();
        List<String> boundary = null;
        try (PreparedStatement ps = from.prepareStatement(ChunkSql.boundaryWithin(flow, lower != null))) {
            int i = 1;
            if (lower != null) {
                for (String v : lower) {
                    ps.setString(i++, v);
                }
            }
            for (String v : run.upper()) {
                ps.setString(i++, v);
            }
            ps.setLong(i, Math.max(0, size - 1));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    boundary = keyOf(rs, flow.key().size());
                }
            }
        } finally {
            from.commit();
        }
        List<String> upper = boundary == null ? run.upper() : boundary;
        boolean exhausted = upper.equals(run.upper());
        long seq;
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNK_NEXT_SEQ)) {
            bindRun(ps, 1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        Chunk chunk = new Chunk(table, seq, new KeyRange(lower, upper));
        boolean leased = leases.tryAcquire(chunk.leaseId());
        try {
            try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNK_CLAIM)) {
                bindRun(ps, 1, table);
                ps.setLong(4, seq);
                ps.setArray(5, lower == null ? null : c.createArrayOf("text", lower.toArray()));
                ps.setArray(6, c.createArrayOf("text", upper.toArray()));
                ps.setString(7, workerId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(ChunkSql.RUN_ADVANCE)) {
                ps.setArray(1, c.createArrayOf("text", upper.toArray()));
                ps.setBoolean(2, exhausted);
                bindRun(ps, 3, table);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            if (leased) {
                leases.release(chunk.leaseId());
            }
            throw e;
        }
        if (!leased) {
            // someone holds a lease on a seq we just created: leave the chunk to them (it is open in the ledger)
            return Optional.empty();
        }
        return Optional.of(chunk);
    }

    /**
     * Takes over a chunk that was handed out and never done (its worker died, or the run was killed):
     * the first open chunk whose lease is free.
     */
    public Optional<Chunk> claimOrphan(Connection c, String table, Leases leases) throws SQLException {
        for (Chunk ch : open(c, table, false)) {
            if (leases.tryAcquire(ch.leaseId())) {
                // re-check under the lease: it may have been finished between the read and the lease
                boolean open;
                try {
                    open = isOpen(c, ch);
                } catch (SQLException | RuntimeException e) {
                    leases.release(ch.leaseId()); // a lost connection must not keep the chunk from every worker
                    throw e;
                }
                if (open) {
                    return Optional.of(ch);
                }
                leases.release(ch.leaseId());
            }
        }
        return Optional.empty();
    }

    /** Open chunks of a table (claimed, plus failed ones when asked), oldest first. */
    public List<Chunk> open(Connection c, String table, boolean withFailed) throws SQLException {
        List<Chunk> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNKS_OPEN)) {
            bindRun(ps, 1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (withFailed || "claimed".equals(rs.getString(4))) {
                        out.add(new Chunk(table, rs.getLong(1), new KeyRange(list(rs.getArray(2)), list(rs.getArray(3)))));
                    }
                }
            }
        }
        c.commit();
        return out;
    }

    private boolean isOpen(Connection c, Chunk ch) throws SQLException {
        return open(c, ch.table(), false).stream().anyMatch(o -> o.seq() == ch.seq());
    }

    /**
     * Marks a chunk done with the rows it read and wrote, inside the caller's transaction (commit it
     * with the chunk's work). False when the chunk is no longer claimed (done by another worker):
     * the caller must roll back.
     */
    public boolean markDone(Connection c, Chunk ch, long rows, long written) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNK_DONE)) {
            ps.setLong(1, rows);
            ps.setLong(2, written);
            ps.setString(3, workerId);
            bindRun(ps, 4, ch.table());
            ps.setLong(7, ch.seq());
            return ps.executeUpdate() == 1;
        }
    }

    /** Records a chunk as failed (its range and error stay in the ledger) in its own transaction. */
    public void markFailed(Connection c, Chunk ch, int attempts, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNK_FAIL)) {
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setString(3, workerId);
            bindRun(ps, 4, ch.table());
            ps.setLong(7, ch.seq());
            ps.executeUpdate();
        }
        c.commit();
    }

    /** Completes the run if every chunk is cut and done; true if the run is complete now. */
    public boolean finish(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.RUN_FINISH)) {
            bindRun(ps, 1, table);
            bindRun(ps, 4, table);
            bindRun(ps, 7, table);
            ps.executeUpdate();
        }
        c.commit();
        return read(c, table).map(Run::complete).orElse(false);
    }

    /** Stops a table's run with an error (other workers see it and leave the table). */
    public void fail(Connection c, String table, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.RUN_FAIL)) {
            ps.setString(1, error);
            bindRun(ps, 2, table);
            ps.executeUpdate();
        }
        c.commit();
    }

    public List<Count> progress(Connection c) throws SQLException {
        List<Count> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.PROGRESS)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Count(rs.getString(1), rs.getLong(2), TableState.of(rs.getString(3)), rs.getString(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8)));
                }
            }
        }
        c.commit();
        return out;
    }

    public List<Failed> failedChunks(Connection c) throws SQLException {
        List<Failed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.CHUNKS_FAILED)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Failed(rs.getString(1), rs.getLong(2), new KeyRange(list(rs.getArray(3)), list(rs.getArray(4))),
                            rs.getInt(5), rs.getString(6)));
                }
            }
        }
        c.commit();
        return out;
    }

    /** Reads the key columns {@code __k0…} of the current row as text. */
    public static List<String> keyOf(ResultSet rs, int columns) throws SQLException {
        List<String> k = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
            k.add(rs.getString(i));
        }
        return k;
    }

    private Optional<Run> readRun(Connection c, String table, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindRun(ps, 1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Run(table, list(rs.getArray(1)), list(rs.getArray(2)), rs.getBoolean(3), rs.getLong(4),
                        TableState.of(rs.getString(5)), rs.getString(6), rs.getLong(7)));
            }
        }
    }

    private void update(Connection c, String sql, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindRun(ps, 1, table);
            ps.executeUpdate();
        }
    }

    private void bindRun(PreparedStatement ps, int at, String table) throws SQLException {
        ps.setString(at, job);
        ps.setString(at + 1, migration);
        ps.setString(at + 2, table);
    }

    private static List<String> list(Array a) throws SQLException {
        return a == null ? null : Arrays.asList((String[]) a.getArray());
    }
}
