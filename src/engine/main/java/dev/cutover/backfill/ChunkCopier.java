package dev.cutover.backfill;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.SqlNames;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.ChunkSql;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.sync.RowSync;
import dev.cutover.work.Chunk;
import dev.cutover.work.ChunkJob;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.FatalChunkError;
import dev.cutover.work.JobTable;
import dev.cutover.work.KeyRange;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One backfill worker's connections and the copy of one chunk: the old database runs the plan's
 * transforms over the chunk's key range in a short read-only transaction and streams the rows out
 * with binary COPY; they stream into the new database (pgjdbc CopyManager, read and write
 * interleaved buffer by buffer) inside one transaction that also marks the chunk done in the ledger.
 * Rows already in the target are never overwritten (see {@link LoadMode}). A row that fails is found
 * by bisecting the chunk's keys; it stops the table or, under {@link ErrorPolicy#SKIP}, is recorded
 * and left out while the rest of the chunk is copied.
 *
 * <p>The new database's session commits with {@code synchronous_commit = off}: a chunk's commit does
 * not wait for its WAL to reach the disk. Atomicity is unchanged (a chunk's rows and its "done" mark
 * still commit or vanish together), so the worst a crash of the new server can do is lose the last
 * few hundred milliseconds of chunks, which are then simply copied again on resume;
 * {@link BackfillEngine} makes everything durable before it reports the run's end.
 *
 * <p>Without a cap, a chunk's rows stream: the old database's read and the new database's write run
 * at the same time. Under a rows/s cap the chunks are short and spaced out, and then a chunk is read
 * whole first (up to {@link #HOLD_BYTES}) and written after: the old database does its part of the
 * chunk at once and is left alone while the new one does its part, instead of both sides, and the
 * worker between them, busy at the same moment.
 */
final class ChunkCopier implements ChunkJob.Session {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkCopier.class);
    /** Rows from the old side (one COPY message each) go to the new side in writes of this size. */
    private static final int COPY_BUFFER = 64 * 1024;
    /** Under a cap, a chunk is held in memory up to this size before its rows are written (beyond it they stream). */
    static final long HOLD_BYTES = 16L * 1024 * 1024;

    /** A failure of one side's statement; row errors (data, constraints) are not retried. */
    static final class SideError extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean oldSide;
        final SQLException cause;

        SideError(boolean oldSide, SQLException cause) {
            super((oldSide ? "old database: " : "new database: ")
                    + (Sql.classify(cause) == Sql.Failure.ROW ? Sql.messageWithoutValues(cause) : Sql.message(cause)), cause);
            this.oldSide = oldSide;
            this.cause = cause;
        }

        /** A row's value fails (data exception, constraint, NaN to an integer): found by bisection, never retried. */
        boolean rowError() {
            return Sql.classify(cause) == Sql.Failure.ROW;
        }

        /** The statement fails whatever the rows (syntax, undefined column or function, permission): fatal for the table. */
        boolean statementError() {
            return Sql.classify(cause) == Sql.Failure.STATEMENT;
        }

        boolean keyConflict() {
            return !oldSide && Sql.state(cause).equals("23505");
        }
    }

    private record Loaded(long rows, long written) {
    }

    private final BackfillJob job;
    private final Db oldDb;
    private final Db newDb;
    private final Set<Integer> staged = new HashSet<>();
    /** True once the staging table may hold rows of this transaction (ON COMMIT DELETE ROWS empties it at commit). */
    private boolean stagingDirty;
    private Connection old;
    private Connection neu;

    ChunkCopier(BackfillJob job, Db oldDb, Db newDb) {
        this.job = job;
        this.oldDb = oldDb;
        this.newDb = newDb;
        connect();
    }

    @Override
    public Connection from() {
        return old;
    }

    @Override
    public Connection ledger() {
        return neu;
    }

    @Override
    public long process(JobTable table, Chunk chunk) throws SQLException, FatalChunkError, SideError {
        BackfillJob.Table t = job.table(table.name());
        ensureStaging(t);
        ChunkLedger ledger = job.ledger();
        Loaded done;
        try {
            done = load(t, chunk.range(), true);
        } catch (SideError e) {
            if (e.statementError()) {
                rollbackBoth();
                throw new FatalChunkError(statementFailure(t, chunk.range(), e));
            }
            if (!e.rowError()) {
                throw e;
            }
            rollbackBoth();
            if (!e.oldSide && Sql.isForeignKeyViolation(e.cause)) {
                done = withParents(t, chunk.range(), e);
            } else {
                done = job.policy() == ErrorPolicy.SKIP ? loadSkipping(t, chunk.range()) : stopAtBadRow(t, chunk.range(), e);
            }
        }
        if (!ledger.markDone(neu, chunk, done.rows(), done.written())) {
            LOG.info("{} was done by another worker; dropping this copy", chunk);
            rollbackBoth();
            return -1;
        }
        neu.commit();
        stagingDirty = false;
        old.commit();
        return done.rows();
    }

    /**
     * Loads a range into the target inside a savepoint: straight COPY when allowed (falling back to
     * staging when a key is already there), else staging + INSERT ON CONFLICT DO NOTHING.
     */
    private Loaded load(BackfillJob.Table t, KeyRange range, boolean mayGoDirect) throws SQLException, SideError {
        if (mayGoDirect && t.direct()) {
            Savepoint sp = neu.setSavepoint();
            try {
                long n = copy(t, range, BackfillSql.copyInTarget(t.flow()));
                neu.releaseSavepoint(sp);
                return new Loaded(n, n);
            } catch (SideError e) {
                neu.rollback(sp);
                if (!e.oldSide) {
                    old.rollback();
                }
                if (!e.keyConflict()) {
                    throw e;
                }
                t.noDirect();
                LOG.info("{}: rows already in the target (dual writes); loading through staging from now on", t.name());
            }
        }
        Savepoint sp = neu.setSavepoint();
        try {
            if (stagingDirty) {
                try (Statement s = neu.createStatement()) {
                    s.execute(BackfillSql.truncateStaging(t.index()));
                }
            }
            stagingDirty = true;
            long n = copy(t, range, BackfillSql.copyInStaging(t.flow(), t.index()));
            long written;
            try (Statement s = neu.createStatement()) {
                written = s.executeUpdate(BackfillSql.insertFromStaging(t.flow(), t.index()));
            } catch (SQLException e) {
                throw new SideError(false, e);
            }
            neu.releaseSavepoint(sp);
            return new Loaded(n, written);
        } catch (SideError e) {
            neu.rollback(sp);
            throw e;
        }
    }

    /** Streams {@code COPY (select) TO STDOUT} of the old side into {@code copyIn} on the new side. */
    private long copy(BackfillJob.Table t, KeyRange range, String copyIn) throws SQLException, SideError {
        String out = BackfillSql.copyOut(t.flow(), range.lower(), range.upper());
        CopyIn in;
        try {
            in = new PGCopyOutputStream(neu.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn), COPY_BUFFER);
        } catch (SQLException e) {
            throw new SideError(false, e);
        }
        CopyOut src;
        try {
            src = old.unwrap(PGConnection.class).getCopyAPI().copyOut(out);
        } catch (SQLException e) {
            cancel(in);
            throw new SideError(true, e);
        }
        List<byte[]> held = job.capped() ? new ArrayList<>() : null;
        long heldBytes = 0;
        while (true) {
            byte[] buf;
            try {
                buf = src.readFromCopy();
            } catch (SQLException e) {
                cancel(in);
                throw new SideError(true, e);
            }
            if (buf == null) {
                break;
            }
            if (held != null) {
                held.add(buf);
                heldBytes += buf.length;
                if (heldBytes > HOLD_BYTES) { // a big chunk after all: stream the rest
                    write(in, held, src);
                    held = null;
                }
                continue;
            }
            write(in, buf, src);
        }
        if (held != null) {
            write(in, held, src);
        }
        try {
            return in.endCopy();
        } catch (SQLException e) {
            throw new SideError(false, e);
        }
    }

    private static void write(CopyIn in, List<byte[]> rows, CopyOut src) throws SideError {
        for (byte[] r : rows) {
            write(in, r, src);
        }
    }

    private static void write(CopyIn in, byte[] buf, CopyOut src) throws SideError {
        try {
            in.writeToCopy(buf, 0, buf.length);
        } catch (SQLException e) {
            cancel(src);
            throw new SideError(false, e);
        }
    }

    // ---- rows that fail ------------------------------------------------------------------------

    /**
     * A chunk whose rows reference parents the new database does not have yet: the parent table's
     * chunk holding them is still being copied by another worker, or the parent row came into the
     * old database after the parent table's run was fixed (a sign-up and its first order during the
     * backfill). The chunk's rows go through {@link RowSync#fill} instead, which brings the missing
     * parents along from the old database first, as repair and replay do, and like the COPY path
     * inserts only rows the new database lacks. A violation it cannot resolve (the old database
     * itself lacks the parent) stops the table with its message, as a bad row does.
     */
    private Loaded withParents(BackfillJob.Table t, KeyRange range, SideError first) throws SQLException, FatalChunkError {
        List<List<String>> keys = keysIn(t.flow(), range);
        old.commit();
        LOG.info("{}: rows of {} reference parents not in the new database yet; re-syncing its {} rows with their parents ({})",
                t.name(), range, keys.size(), Sql.message(first.cause));
        try {
            RowSync.Result r = RowSync.fill(t.flow(), job.relations()).sync(old, neu, keys);
            return new Loaded(keys.size(), r.upserted());
        } catch (DbException e) {
            if (e.getCause() instanceof SQLException s && Sql.isTransient(s)) {
                throw s;
            }
            throw new FatalChunkError(t.name() + ": rows in " + range + " cannot be copied with their parents: " + e.getMessage()
                    + " (fix the rows, then run backfill again to resume)");
        }
    }

    /**
     * The default policy: the table stops at the chunk's first failing row, with one line naming the
     * table, the target column when the old database's transform is the one failing, and the key.
     */
    private Loaded stopAtBadRow(BackfillJob.Table t, KeyRange range, SideError first) throws SQLException, FatalChunkError, SideError {
        List<List<String>> keys = keysIn(t.flow(), range);
        Bad bad = keys.isEmpty() ? null : firstBad(t, range.lower(), keys, 0);
        rollbackBoth();
        if (bad == null) {
            // no row fails on its own any more (a live update fixed it meanwhile): the chunk as a whole, once more
            try {
                return load(t, range, true);
            } catch (SideError again) {
                rollbackBoth();
                if (!again.rowError()) {
                    throw again;
                }
                throw new FatalChunkError(t.name() + ": rows with keys " + range + " cannot be copied together, though none fails alone: "
                        + Sql.messageWithoutValues(again.cause) + " (fix the plan or the rows, then run backfill again to resume)");
            }
        }
        throw new FatalChunkError(t.name() + ": row " + KeyJson.toNames(t.flow(), bad.key) + " cannot be copied" + bad.where() + ": "
                + bad.error + " (fix the plan or the row, then run backfill again to resume; or use --on-error skip)");
    }

    /**
     * One line for a statement that fails whatever the rows (SQLSTATE class 42): the table, the target
     * column whose transform the old database rejects (found by running each column's expression over
     * no rows) and the server's message. Said once for the table; never retried.
     */
    private String statementFailure(BackfillJob.Table t, KeyRange range, SideError e) {
        String column = null;
        if (e.oldSide) {
            try {
                column = failingColumn(t.flow(), null, range).map(Flow.Projected::toColumn).orElse(null);
            } catch (SQLException probe) {
                LOG.debug("{}: cannot probe the columns' transforms: {}", t.name(), Sql.message(probe));
            }
        } else {
            column = Sql.column(e.cause);
        }
        return t.name() + (column == null ? "" : ": column " + SqlNames.quote(column)) + ": "
                + (e.oldSide ? "the transform fails on the old database: " : "the new database refuses the copy: ") + Sql.message(e.cause)
                + " (fix the plan or the schema, then run backfill again to resume)";
    }

    /**
     * The first column whose expression fails for the row with {@code key} (null: for the first row
     * of {@code range}, a statement that fails whatever the row), each run alone on the old database
     * and rolled back.
     */
    private Optional<Flow.Projected> failingColumn(Flow f, List<String> key, KeyRange range) throws SQLException {
        try {
            for (Flow.Projected c : f.columns()) {
                String probe = BackfillSql.columnProbe(f, c, key != null, range == null ? null : range.lower(),
                        range == null ? null : range.upper());
                try (PreparedStatement ps = old.prepareStatement(probe)) {
                    if (key != null) {
                        for (int i = 0; i < key.size(); i++) {
                            ps.setString(i + 1, key.get(i));
                        }
                    }
                    ps.executeQuery().close();
                } catch (SQLException e) {
                    Sql.Failure kind = Sql.classify(e);
                    if (kind == Sql.Failure.TRANSIENT || kind == Sql.Failure.RESOURCES) {
                        throw e;
                    }
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        } finally {
            old.rollback();
        }
    }

    private Loaded loadSkipping(BackfillJob.Table t, KeyRange range) throws SQLException, SideError, FatalChunkError {
        List<List<String>> keys = keysIn(t.flow(), range);
        List<String> start = range.lower();
        int idx = 0;
        long rows = 0;
        long written = 0;
        while (idx < keys.size()) {
            try {
                Loaded l = load(t, new KeyRange(start, range.upper()), false);
                return new Loaded(rows + l.rows(), written + l.written());
            } catch (SideError e) {
                if (!e.rowError()) {
                    throw e;
                }
                if (e.oldSide) {
                    old.rollback();
                }
            }
            Bad bad = firstBad(t, start, keys, idx);
            if (bad == null) {
                throw new FatalChunkError(t.name() + ": rows with keys " + new KeyRange(start, range.upper())
                        + " fail together but not one by one; cannot skip a single row");
            }
            if (bad.index > idx) {
                Loaded l = load(t, new KeyRange(start, keys.get(bad.index - 1)), false);
                rows += l.rows();
                written += l.written();
            }
            try (PreparedStatement ps = neu.prepareStatement(BackfillSql.SKIPPED_RECORD)) {
                ps.setString(1, job.migration());
                ps.setString(2, t.name());
                ps.setString(3, KeyJson.toNames(t.flow(), bad.key));
                ps.setString(4, bad.describe());
                ps.executeUpdate();
            }
            LOG.warn("{}: skipped row {}{}: {}", t.name(), KeyJson.toNames(t.flow(), bad.key), bad.where(), bad.error);
            rows++;
            start = bad.key;
            idx = bad.index + 1;
        }
        return new Loaded(rows, written);
    }

    /** A failing row: its index in the chunk's keys, its key, the error, and the target column when known. */
    private record Bad(int index, List<String> key, String error, String column) {
        String where() {
            return column == null ? "" : " into column " + SqlNames.quote(column);
        }

        /** The error as recorded in {@code cutover.backfill_skipped}: the column, then the server's message (never the values). */
        String describe() {
            return column == null ? error : "column " + SqlNames.quote(column) + ": " + error;
        }
    }

    /**
     * The first key (from {@code from}) whose row makes the load of (lower, key] fail, by bisection
     * over trial loads that are rolled back; null when even the whole list loads.
     */
    private Bad firstBad(BackfillJob.Table t, List<String> lower, List<List<String>> keys, int from) throws SQLException {
        int lo = from;
        int hi = keys.size() - 1;
        Trial error = trial(t, lower, keys.get(hi));
        if (error == null) {
            return null;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Trial e = trial(t, lower, keys.get(mid));
            if (e != null) {
                hi = mid;
                error = e;
            } else {
                lo = mid + 1;
            }
        }
        List<String> key = keys.get(lo);
        String column = error.oldSide() ? failingColumn(t.flow(), key, null).map(Flow.Projected::toColumn).orElse(null) : error.column();
        return new Bad(lo, key, error.message(), column);
    }

    /** A trial load that failed: on which side, the server's message, and the column the server names. */
    private record Trial(boolean oldSide, String message, String column) {
    }

    private Trial trial(BackfillJob.Table t, List<String> lower, List<String> upper) throws SQLException {
        Savepoint sp = neu.setSavepoint();
        try {
            load(t, new KeyRange(lower, upper), false);
            return null;
        } catch (SideError e) {
            if (!e.rowError()) {
                throw e.cause;
            }
            return new Trial(e.oldSide, Sql.messageWithoutValues(e.cause), Sql.column(e.cause));
        } finally {
            neu.rollback(sp);
            old.rollback();
        }
    }

    private List<List<String>> keysIn(Flow f, KeyRange range) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (PreparedStatement ps = old.prepareStatement(ChunkSql.keysIn(f, range.hasLower()))) {
            int i = 1;
            if (range.hasLower()) {
                for (String v : range.lower()) {
                    ps.setString(i++, v);
                }
            }
            for (String v : range.upper()) {
                ps.setString(i++, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(ChunkLedger.keyOf(rs, f.key().size()));
                }
            }
        }
        old.commit();
        return keys;
    }

    // ---- connections ---------------------------------------------------------------------------

    private void ensureStaging(BackfillJob.Table t) throws SQLException {
        if (staged.add(t.index())) {
            try (Statement s = neu.createStatement()) {
                s.execute(BackfillSql.createStaging(t.flow(), t.index()));
            }
            neu.commit();
        }
    }

    private void connect() {
        old = oldDb.connect();
        try {
            old.setAutoCommit(false);
            old.setReadOnly(true);
            neu = newDb.connect();
            try (Statement st = neu.createStatement()) {
                st.execute(BackfillSql.SESSION_NEW);
            }
            neu.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(Sql.message((SQLException) e), e);
        }
        staged.clear();
    }

    private void rollbackBoth() {
        for (Connection c : new Connection[] {old, neu}) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // broken connection: reconnect() replaces it
            }
        }
    }

    private static void cancel(CopyIn in) {
        try {
            if (in.isActive()) {
                in.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the transaction is rolled back anyway
        }
    }

    private static void cancel(CopyOut out) {
        try {
            if (out.isActive()) {
                out.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the read transaction is rolled back anyway
        }
    }

    @Override
    public void reconnect() {
        close();
        connect();
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {old, neu}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
