package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.sync.RowSync;
import dev.cutover.work.ChunkJob;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.JobTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A verification (or repair) as a {@link ChunkJob} of the shared {@code dev.cutover.work}
 * machinery: the from (truth) side's keys are cut into chunks in the ledger, and each chunk's key
 * range is compared on both sides by a {@link CompareSession}. The job's name is unique per run
 * ({@code verify:<run id>}), so no chunk of an earlier run, nor a worker still running one, can
 * ever count for this run's verdict.
 */
final class VerifyJob implements ChunkJob {
    static final String PREFIX = "verify:";
    /** The kind of job every verify and repair is, whatever its run's name: its Redis throttle hash is {@code cutover:{M}:verify:throttle}. */
    static final String KIND = "verify";

    /** What one chunk's comparison found (and, for a repair, re-synced), told to this process once it is committed. */
    interface Found {
        void found(TableCheck table, List<Difference> differences, RowSync.Result repaired);
    }

    private final String name;
    private final String migration;
    private final Db fromDb;
    private final Db toDb;
    private final Db ledgerDb;
    private final Map<String, TableCheck> checks = new LinkedHashMap<>();
    private final int leafRows;
    private final long recheckDelayMillis;
    private final boolean repair;
    private final String workerId;
    private final ChunkLedger ledger;
    private final DifferenceStore store;
    private final Found found;
    private final Map<String, Optional<List<String>>> uppers = new ConcurrentHashMap<>();

    VerifyJob(String name, String migration, Db fromDb, Db toDb, Db ledgerDb, List<TableCheck> tables, int leafRows,
              long recheckDelayMillis, boolean repair, String workerId, Found found) {
        this.recheckDelayMillis = recheckDelayMillis;
        this.name = name;
        this.migration = migration;
        this.fromDb = fromDb;
        this.toDb = toDb;
        this.ledgerDb = ledgerDb;
        tables.forEach(t -> checks.put(ledgerName(t), t));
        this.leafRows = leafRows;
        this.repair = repair;
        this.workerId = workerId;
        this.ledger = new ChunkLedger(name, migration, workerId);
        this.store = new DifferenceStore(name, migration);
        this.found = found;
    }

    /** A table's name in the ledger, unique within the run: the compared table, {@code schema.table}. */
    static String ledgerName(TableCheck t) {
        return t.flow().to().toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String migration() {
        return migration;
    }

    @Override
    public List<JobTable> tables() {
        List<JobTable> out = new ArrayList<>();
        checks.forEach((n, t) -> out.add(new JobTable(n, t.flow())));
        return out;
    }

    TableCheck check(String ledgerName) {
        return checks.get(ledgerName);
    }

    Db fromDb() {
        return fromDb;
    }

    Db toDb() {
        return toDb;
    }

    int leafRows() {
        return leafRows;
    }

    long recheckDelayMillis() {
        return recheckDelayMillis;
    }

    boolean repair() {
        return repair;
    }

    String workerId() {
        return workerId;
    }

    ChunkLedger ledger() {
        return ledger;
    }

    DifferenceStore store() {
        return store;
    }

    void found(TableCheck t, List<Difference> diffs, RowSync.Result repaired) {
        found.found(t, diffs, repaired);
    }

    /**
     * The upper key fixed when the table's run started (empty: the from table was empty). The chunk
     * that ends there is the last one, compared open-ended. Reads the ledger once per table; commits.
     */
    Optional<List<String>> upper(Connection ledgerConnection, String table) throws SQLException {
        Optional<List<String>> u = uppers.get(table);
        if (u == null) {
            u = Optional.ofNullable(ledger.read(ledgerConnection, table).map(ChunkLedger.Run::upper).orElse(null));
            uppers.put(table, u);
        }
        return u;
    }

    @Override
    public Session openSession(int worker) {
        return new CompareSession(this);
    }

    /**
     * A connection to the ledger database, auto-commit off, without waiting for the WAL flush on
     * commit: a verification's checkpoints need not survive a crash of the database (a verify that
     * is interrupted is run again from the start), and a flush per chunk would cost more than many
     * a chunk's comparison.
     */
    @Override
    public Connection openLedgerConnection() {
        Connection c = ledgerDb.connect();
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit TO off");
            c.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            throw new dev.cutover.pg.DbException("cannot prepare the ledger connection on the " + ledgerDb.role() + ": "
                    + dev.cutover.pg.Sql.message(e), e);
        }
        return c;
    }
}
