package dev.cutover.verify;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sync.RowSync;
import dev.cutover.work.Chunk;
import dev.cutover.work.ChunkJob;
import dev.cutover.work.FatalChunkError;
import dev.cutover.work.JobTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One verify worker's connections (from side, to side, ledger) and the comparison of one chunk:
 * both sides hash the chunk's key range at once, a differing chunk is bisected down to its rows
 * ({@link ChunkComparer}), a repair re-syncs the confirmed differences from the truth
 * ({@link RowSync}), and the differences are stored with the chunk's "done" mark in one ledger
 * transaction. The chunk that ends at the run's upper key is compared without an upper bound, so
 * rows the to side has beyond the from side's last key are found too (the first chunk has no
 * lower bound for the same reason).
 */
final class CompareSession implements ChunkJob.Session {
    /** What comparing one range found; {@code lossy}: rows left out as the plan's lossy reverse mapping ({@link RoundTrip}). */
    record Compared(long rows, List<Difference> differences, RowSync.Result repaired, long lossy) {
    }

    private final VerifyJob job;
    private final ExecutorService toThread;
    private Side from;
    private Side to;
    private Connection ledger;

    CompareSession(VerifyJob job) {
        this.job = job;
        this.toThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-verify-to-side");
            t.setDaemon(true);
            return t;
        });
        try {
            connect();
        } catch (RuntimeException e) {
            toThread.shutdownNow();
            throw e;
        }
    }

    @Override
    public Connection from() {
        return from.connection();
    }

    @Override
    public Connection ledger() {
        return ledger;
    }

    @Override
    public long process(JobTable t, Chunk chunk) throws Exception {
        TableCheck check = job.check(t.name());
        Optional<List<String>> runUpper = job.upper(ledger, t.name());
        boolean last = runUpper.map(u -> u.equals(chunk.range().upper())).orElse(true);
        ChunkComparer.Range range = new ChunkComparer.Range(chunk.range().lower(), last ? null : chunk.range().upper());
        Compared c = compare(check, range);
        store(t.name(), chunk.seq(), check, c);
        if (!job.ledger().markDone(ledger, chunk, c.rows(), c.differences().size())) {
            ledger.rollback(); // another worker completed it (after our lease expired): its differences count
            return -1;
        }
        ledger.commit();
        job.found(check, c.differences(), c.repaired());
        return c.rows();
    }

    /**
     * Compares a whole table in one go, for a table whose from side was empty when its run started
     * (the ledger cuts no chunk then, but the to side may hold rows); stored under chunk 0.
     */
    Compared compareWhole(String ledgerTable, TableCheck check) throws SQLException {
        Compared c;
        try {
            c = compare(check, new ChunkComparer.Range(null, null));
        } catch (FatalChunkError e) {
            throw new DbException(e.getMessage(), e);
        }
        store(ledgerTable, 0, check, c);
        ledger.commit();
        job.found(check, c.differences(), c.repaired());
        return c;
    }

    /** The sampled mode for one table: random keys of both sides compared by key; stored under chunk 0. */
    Compared sample(String ledgerTable, TableCheck check, int sample) throws SQLException {
        List<List<String>> keys = Sampler.keys(check, from, to, sample);
        ChunkComparer cmp = new ChunkComparer(check, from, to, toThread, job.leafRows(), job.recheckDelayMillis());
        List<Difference> diffs = cmp.compareKeys(keys);
        Compared c = new Compared(keys.size(), diffs, null, cmp.lossy());
        from.connection().commit();
        store(ledgerTable, 0, check, c);
        ledger.commit();
        job.found(check, c.differences(), null);
        return c;
    }

    private void store(String ledgerTable, long seq, TableCheck check, Compared c) throws SQLException {
        if (!c.differences().isEmpty()) {
            job.store().add(ledger, ledgerTable, seq, job.workerId(), c.differences());
        }
        if (c.lossy() > 0) {
            job.store().addLossy(ledger, ledgerTable, seq, check.name(), c.lossy());
        }
        if (c.repaired() != null) {
            job.store().addRepaired(ledger, ledgerTable, seq, check.name(), c.repaired().upserted(), c.repaired().deleted());
        }
    }

    private Compared compare(TableCheck check, ChunkComparer.Range r) throws FatalChunkError {
        try {
            ChunkComparer cmp = new ChunkComparer(check, from, to, toThread, job.leafRows(), job.recheckDelayMillis());
            ChunkComparer.Hashes h = cmp.hash(r);
            List<Difference> diffs = h.equal() ? List.of() : cmp.resolve(r, h);
            RowSync.Result repaired = null;
            if (job.repair() && !diffs.isEmpty()) {
                // re-read from the truth now (not the rows the comparison saw) and write the other side
                repaired = check.resync().sync(from.connection(), to.connection(),
                        diffs.stream().map(Difference::keyText).toList());
            }
            from.connection().commit();
            return new Compared(h.fromCount(), diffs, repaired, cmp.lossy());
        } catch (DbException e) {
            throw fatalUnlessTransient(e, e.getCause());
        } catch (SQLException e) {
            throw fatalUnlessTransient(new DbException("comparing " + check.name() + " failed: " + Sql.message(e), e), e);
        }
    }

    /** A failure a retry can cure (a dropped connection) is thrown on for the runner to retry; any other stops the table. */
    private static FatalChunkError fatalUnlessTransient(DbException e, Throwable cause) {
        if (cause instanceof SQLException s && Sql.isTransient(s)) {
            throw e;
        }
        return new FatalChunkError(e.getMessage(), e);
    }

    @Override
    public void reconnect() {
        closeConnections();
        connect();
    }

    private void connect() {
        try {
            from = new Side(job.fromDb());
            from.connection().setAutoCommit(false);
            // verify only reads; a repair locks the truth rows it re-syncs (FOR SHARE), which a read-only transaction refuses
            from.connection().setReadOnly(!job.repair());
            to = new Side(job.toDb());
            to.connection().setReadOnly(!job.repair());
            ledger = job.openLedgerConnection();
        } catch (SQLException | RuntimeException e) {
            closeConnections();
            throw e instanceof RuntimeException r ? r : new DbException(Sql.message((SQLException) e), e);
        }
    }

    private void closeConnections() {
        if (from != null) {
            from.close();
        }
        if (to != null) {
            to.close();
        }
        if (ledger != null) {
            try {
                ledger.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        from = null;
        to = null;
        ledger = null;
    }

    @Override
    public void close() {
        closeConnections();
        toThread.shutdownNow();
    }
}
