package dev.cutover.backfill;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sync.PlanRelations;
import dev.cutover.sync.Relations;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.ChunkRunner;
import dev.cutover.work.JobRun;
import dev.cutover.work.TableState;
import dev.cutover.work.PlanTables;
import dev.cutover.work.ProgressEvent;
import dev.cutover.work.ProgressListener;
import dev.cutover.work.Retry;
import dev.cutover.work.RunControl;
import dev.cutover.work.RunLock;
import dev.cutover.work.TableProgress;
import dev.cutover.work.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies every source row of a plan's tables into the new schema (phase "backfill"),
 * resumably, throttled, beside live writes, over several threads and — with Redis — several
 * processes. The command line ({@code cutover backfill}, {@code cutover worker}) and the console drive
 * the same engine; the console changes the cap and pauses through {@link #throttle()}.
 */
public final class BackfillEngine {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillEngine.class);

    private final Db oldDb;
    private final Db newDb;
    private final Plan plan;
    private final BackfillOptions options;
    private final RunControl control;

    public BackfillEngine(Db oldDb, Db newDb, Plan plan, BackfillOptions options) {
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.plan = plan;
        this.options = options;
        this.control = new RunControl(BackfillJob.NAME, options.work());
    }

    /** The live throttle: cap, pause and resume while running. */
    public Throttle throttle() {
        return control.throttle();
    }

    public String workerId() {
        return control.workerId();
    }

    /** Stops after the chunks in hand (progress is kept; a later run resumes). */
    public void stop() {
        control.stop();
    }

    /** The flows of the selected tables against both live schemas, checked for what the copy relies on, and the foreign keys around them. */
    record Tables(List<Flow> flows, Relations relations) {
    }

    /** Builds the flows of the selected tables against both live schemas, checking what the copy relies on. */
    private Tables tables() {
        List<Flow> flows = new ArrayList<>();
        PlanTables.Resolved r = PlanTables.resolve(plan, options.tables(), oldDb, newDb);
        for (PlanTables.Table t : r.tables()) {
            TableMapping m = t.mapping();
            if (!t.target().isUnique(m.targetKey())) {
                throw new DbException("new table " + m.target() + " has no primary key or unique constraint on ("
                        + String.join(", ", m.targetKey()) + "); backfill needs one to never overwrite rows already there");
            }
            flows.add(t.flow(Direction.FORWARD));
        }
        return new Tables(flows, new PlanRelations(plan, r.oldSchema(), r.newSchema(), Direction.FORWARD));
    }

    /**
     * The event as the listener sees it: while the throttle is paused (and the run not finished),
     * the tables still running and the total say "paused", with no rate or time left.
     */
    static ProgressEvent pausedShown(ProgressEvent e) {
        if (e.finished() || e.throttle() == null || !e.throttle().paused()) {
            return e;
        }
        return new ProgressEvent(e.job(), e.at(), e.tables().stream().map(BackfillEngine::paused).toList(), paused(e.total()),
                e.throttle(), false);
    }

    private static TableProgress paused(TableProgress t) {
        return t == null || t.state() != TableState.RUNNING ? t
                : new TableProgress(t.table(), TableState.PAUSED, t.rowsDone(), t.rowsTotal(), 0, null, t.error());
    }

    /** Runs the backfill to its end (or to {@link #stop}); progress events go to {@code listener}. */
    public BackfillReport run(ProgressListener listener) throws InterruptedException {
        LOG.debug("reading both schemas");
        Tables tables = retrying("reading both schemas", this::tables);
        List<Flow> flows = tables.flows();
        LOG.debug("schemas read");
        String migration = plan.name();
        BackfillJob job = new BackfillJob(migration, oldDb, newDb, flows, tables.relations(), options.onError(), options.load(),
                control.workerId(), control.throttle());
        List<String> names = flows.stream().map(BackfillJob::tableName).toList();
        List<String> planTables = plan.tables().stream().map(t -> t.target().toString()).toList();
        ProgressListener out = listener == null ? ProgressListener.NONE : listener;
        RunLock held = retrying("preparing the checkpoints", () -> {
            Connection c = newDb.connect();
            try {
                return prepareCheckpoints(c, job.ledger(), names, options.work().redisUrl() != null, migration);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        });
        Connection lock = held.connection();
        try {
            LOG.debug("checkpoints ready");
            ChunkRunner.Result result;
            try (JobRun run = control.open(job, oldDb);
                 BackfillSummary summary = run.redis() == null ? null
                         : new BackfillSummary(run.redis(), run.keys(), job.ledger(), planTables, job::openLedgerConnection)) {
                try (RunLock watched = held.watch(options.work().lockCheckMillis(), run::stop)) {
                    result = run.run(e -> {
                        if (summary != null) {
                            summary.publish(e);
                        }
                        out.onProgress(pausedShown(e));
                    });
                } finally {
                    durable(lock, newDb);
                }
            }
            boolean allComplete = result.tables().stream().allMatch(t -> t.state() == TableState.COMPLETE);
            if (held.lostReason() != null && !allComplete) {
                throw new dev.cutover.work.RunLockLost("backfill of " + migration + " stopped: it lost its run lock on the " + newDb.role() + " ("
                        + held.lostReason() + "), so another backfill may be running; chunks done so far are kept, run it again to resume",
                        result.rowsByThisProcess(), result.tables().stream().mapToLong(TableProgress::rowsDone).sum());
            }
            if (held.lostReason() != null) {
                // the ledger says every table of the run is complete: no chunk is left for this run or another
                // one to copy, so the loss changed nothing and the run ends as it would have with the lock
                LOG.info("run lock lost ({}) once every table of the run was complete in the ledger; the run is complete", held.lostReason());
            }
            Ended ended = retrying("reading the run's counts", () -> ended(job.ledger(), migration, names, planTables));
            return new BackfillReport(result.tables(),
                    result.failedChunks().stream().filter(f -> names.contains(f.table())).toList(), ended.skipped(), result.stopped(),
                    result.rowsByThisProcess(), result.workTime(), result.workerErrors(), ended.counts(), ended.notRun(),
                    result.retries());
        } catch (SQLException e) {
            throw new DbException("backfill of " + migration + ": " + Sql.message(e), e);
        } finally {
            try {
                lock.close();
            } catch (SQLException ignored) {
                // releases the run lock
            }
        }
    }

    /**
     * Creates the checkpoint tables, takes the run lock (exclusive for a run without Redis, shared
     * for processes joining through Redis, held by {@code lock} until the run ends) and forgets
     * previous runs when restarting.
     */
    private RunLock prepareCheckpoints(Connection lock, ChunkLedger ledger, List<String> names, boolean shared, String migration)
            throws SQLException {
        lock.setAutoCommit(false);
        ChunkLedger.install(lock);
        try (Statement s = lock.createStatement()) {
            s.execute(BackfillSql.SKIPPED_DDL);
        }
        lock.commit();
        lock.setAutoCommit(true);
        RunLock held = RunLock.tryTake(lock, "cutover-backfill:" + migration, shared);
        if (held == null) {
            throw new DbException("another backfill of " + migration + " is running on the new database "
                    + (shared ? "without Redis (stop it, or give every process the same --redis)"
                              : "(give every process the same --redis to run several at once)"));
        }
        if (options.restart()) {
            if (shared) {
                throw new DbException("--restart cannot be combined with --redis while other workers may be running; "
                        + "restart without --redis, then let workers join");
            }
            lock.setAutoCommit(false);
            for (String t : names) {
                ledger.forget(lock, t);
                try (PreparedStatement ps = lock.prepareStatement(BackfillSql.SKIPPED_FORGET)) {
                    ps.setString(1, migration);
                    ps.setString(2, t);
                    ps.executeUpdate();
                }
                lock.commit();
            }
            lock.setAutoCommit(true);
        }
        return held;
    }

    /**
     * Waits until every chunk committed so far is on the new database's disk (the workers commit
     * asynchronously), on the run's lock connection or, if that one was dropped, a fresh one.
     */
    private static void durable(Connection lock, Db db) {
        try (Statement s = lock.createStatement()) {
            s.execute(BackfillSql.DURABLE);
            return;
        } catch (SQLException e) {
            LOG.debug("run lock connection gone ({}); flushing on a fresh one", Sql.message(e));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(BackfillSql.DURABLE);
        } catch (SQLException | DbException e) {
            LOG.warn("could not confirm that the last chunks are on disk ({}); a crash of the new server now may make a resume copy them again",
                    e instanceof SQLException q ? Sql.message(q) : e.getMessage());
        }
    }

    /** What the ledger and the skipped-rows record say once the run is over. */
    private record Ended(List<BackfillReport.TableCounts> counts, List<BackfillReport.SkippedRow> skipped, List<String> notRun) {
    }

    /**
     * Each run table's rows read, written and skipped, the skipped rows, and the plan's tables that
     * are not complete and were not part of this run: exact figures from the new database, or a
     * failure (never a silent zero).
     */
    private Ended ended(ChunkLedger ledger, String migration, List<String> names, List<String> planTables) throws SQLException {
        try (Connection c = newDb.connect()) {
            c.setAutoCommit(false);
            java.util.Map<String, ChunkLedger.Count> byTable = new java.util.HashMap<>();
            for (ChunkLedger.Count n : ledger.progress(c)) {
                byTable.put(n.table(), n);
            }
            java.util.Map<String, Long> skippedBy = skippedCounts(c, migration);
            List<BackfillReport.SkippedRow> skipped = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BackfillSql.SKIPPED_LIST)) {
                ps.setString(1, migration);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (names.contains(rs.getString(1))) {
                            skipped.add(new BackfillReport.SkippedRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                        }
                    }
                }
            }
            c.commit();
            List<BackfillReport.TableCounts> counts = new ArrayList<>();
            for (String t : names) {
                ChunkLedger.Count n = byTable.get(t);
                counts.add(new BackfillReport.TableCounts(t, n == null ? dev.cutover.work.TableState.WAITING : n.state(), n == null ? 0 : n.rowsDone(),
                        n == null ? 0 : n.written(), skippedBy.getOrDefault(t, 0L)));
            }
            List<String> notRun = planTables.stream().filter(t -> !names.contains(t))
                    .filter(t -> byTable.get(t) == null || byTable.get(t).state() != dev.cutover.work.TableState.COMPLETE).toList();
            return new Ended(counts, skipped, notRun);
        }
    }

    /** Rows recorded in {@code cutover.backfill_skipped} per table of the migration. */
    static java.util.Map<String, Long> skippedCounts(Connection c, String migration) throws SQLException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(BackfillSql.SKIPPED_COUNTS)) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** A step of the run around the chunks, tried again after a lost connection ({@link Retry}). */
    private <T> T retrying(String what, Retry.Step<T> step) throws InterruptedException {
        try {
            return Retry.call(what, options.work(), step);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (SQLException e) {
            throw new DbException("backfill of " + plan.name() + ": " + what + ": " + Sql.message(e), e);
        } catch (Exception e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }
}
