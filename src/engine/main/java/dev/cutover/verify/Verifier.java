package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.sql.VerifySql;
import dev.cutover.sync.RowSync;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.ChunkRunner;
import dev.cutover.work.JobRun;
import dev.cutover.work.ProgressEvent;
import dev.cutover.work.RunControl;
import dev.cutover.work.RunLock;
import dev.cutover.work.TableProgress;
import dev.cutover.work.Throttle;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Compares every table of a plan, exactly: forward the old database's rows after the mapping with
 * the new database's rows; in reverse the new database's rows through the reverse mappings with
 * the old database's. The comparison runs as a chunked job of {@code dev.cutover.work}
 * ({@link VerifyJob}): chunks in key order from the ledger, worker threads, the throttle (rows/s
 * cap, pause, back-off on the old database's latency) and, with Redis, other processes joining
 * through chunk leases ({@link VerifyWorker}). Differences of every worker are stored with their
 * chunks ({@link DifferenceStore}) and make one report. Each call is a fresh comparison under a
 * new job name; nothing is decided until every chunk is compared, and any failure ends the run
 * with an exception (one line) and no verdict.
 */
public final class Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final Plan plan;
    private final Db oldDb;
    private final Db newDb;
    private final Db fromDb;
    private final Db toDb;
    private final VerifyOptions options;
    private final VerifyListener listener;
    private final RunControl control;
    private volatile String lastJob;
    private volatile RunLock runLock;

    /** {@code oldDb}/{@code newDb} as the user named them; the direction picks which one is the from side. */
    public Verifier(Plan plan, Db oldDb, Db newDb, VerifyOptions options, VerifyListener listener) {
        this.plan = plan;
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.fromDb = Resolver.fromDb(options.direction(), oldDb, newDb);
        this.toDb = Resolver.toDb(options.direction(), oldDb, newDb);
        this.options = options;
        this.listener = listener == null ? VerifyListener.NONE : listener;
        this.control = new RunControl(VerifyJob.KIND, options.work());
    }

    /** The live throttle of this process: the rows/s cap, pause and resume while running. */
    public Throttle throttle() {
        return control.throttle();
    }

    public String workerId() {
        return control.workerId();
    }

    /** Stops after the chunks in hand; the run then ends without a verdict ({@link CancellationException}). */
    public void stop() {
        control.stop();
    }

    /** Compares and reports. */
    public VerifyReport verify() {
        return run(false).report();
    }

    /** A run's report and, for a repair, what was re-synced per table ({upserted, deleted}). */
    record Outcome(VerifyReport report, Map<String, long[]> repaired) {
    }

    /** Compares, and for a repair re-syncs each chunk's confirmed differences from the truth. */
    Outcome run(boolean repair) {
        long start = System.nanoTime();
        Instant at = Instant.now();
        List<TableCheck> checks;
        VerifySql.Hash hash;
        try (Side from = new Side(fromDb); Side to = new Side(toDb)) {
            hash = Resolver.hashFunction(from, to);
            checks = Resolver.resolve(plan, options.direction(), options.tables(), from, to, hash);
        }
        LOG.debug("{} tables resolved, row hash {}", checks.size(), hash);
        String name = VerifyJob.PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        VerifyJob job = new VerifyJob(name, plan.name(), fromDb, toDb, newDb, checks, options.leafRows(), options.recheckDelayMillis(), repair,
                control.workerId(), this::found);
        try (Connection lock = newDb.connect(); Connection c = job.openLedgerConnection(); RunLock watched = exclusive(lock)) {
            ChunkLedger.install(c);
            DifferenceStore.install(c);
            // a fresh comparison: whatever earlier runs left (a killed verify's chunks) never counts
            ChunkLedger.forgetJobs(c, VerifyJob.PREFIX, plan.name());
            DifferenceStore.forget(c, VerifyJob.PREFIX, plan.name());
            lastJob = name;
            LOG.debug("ledger ready for {}", name);
            Map<String, Long> rows = options.sampled() ? sample(job, checks) : chunked(job, checks, hash, repair);
            VerifyReport report = report(job, checks, rows, c, at, start);
            LOG.debug("report of {} made", name);
            return new Outcome(report, repair ? job.store().repaired(c) : Map.of());
        } catch (SQLException e) {
            throw new DbException("verification of " + plan.name() + " on the " + newDb.role() + ": " + Sql.message(e), e);
        }
    }

    /**
     * Only one verification or repair of a migration at a time: they share the checkpoint tables.
     * The lock is watched while the run lasts: when its session is gone the run stops without a verdict.
     */
    private RunLock exclusive(Connection lock) throws SQLException {
        RunLock held = RunLock.tryTake(lock, "cutover-verify:" + plan.name(), false);
        if (held == null) {
            throw new DbException("another verify or repair of " + plan.name() + " is running against the "
                    + newDb.role() + "; wait for it to end (extra machines join it with cutover worker --job verify)");
        }
        runLock = held;
        return held.watch(options.work().lockCheckMillis(), control::stop);
    }

    private void found(TableCheck table, List<Difference> diffs, RowSync.Result repaired) {
        diffs.forEach(listener::difference);
    }

    private Map<String, Long> chunked(VerifyJob job, List<TableCheck> checks, VerifySql.Hash hash, boolean repair)
            throws SQLException {
        Map<String, String> display = new HashMap<>();
        checks.forEach(t -> display.put(VerifyJob.ledgerName(t), t.name()));
        String label = repair ? "repair" : "verify";
        try (JobRun run = control.open(job, oldDb)) {
            RedisCommands<String, String> redis = run.redis();
            ActiveRun announced = null;
            long ttl = Math.max(10_000, 2 * options.work().leaseTtlMillis()); // refreshed every progress tick
            if (redis != null) {
                run.resetThrottleHash();
                announced = new ActiveRun(job.name(), options.direction(), repair, options.tables(), hash, options.chunkRows(),
                        control.workerId(), System.currentTimeMillis());
                announced.announce(redis, run.keys(), ttl);
            }
            ActiveRun a = announced;
            try {
                ChunkRunner.Result r = run.run(e -> {
                    if (a != null) {
                        try {
                            a.refresh(redis, run.keys(), ttl);
                        } catch (RuntimeException ex) {
                            LOG.warn("cannot refresh the verify announcement in Redis: {}", ex.getMessage());
                        }
                    }
                    listener.onProgress(renamed(e, label, display));
                });
                if (r.stopped() || control.stopRequested()) {
                    throw stopped();
                }
                if (!r.complete()) {
                    throw new DbException(firstError(r));
                }
                Map<String, Long> rows = new LinkedHashMap<>();
                for (TableProgress t : r.tables()) {
                    rows.put(t.table(), t.rowsDone());
                }
                compareEmptyTables(job, checks, rows);
                return rows;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw stopped();
            } finally {
                if (a != null) {
                    try {
                        a.clear(redis, run.keys());
                    } catch (RuntimeException ex) {
                        LOG.warn("cannot withdraw the verify announcement from Redis (it expires): {}", ex.getMessage());
                    }
                }
            }
        }
    }

    /** The run stopped: asked to ({@link CancellationException}), or because it lost its run lock (a one-line {@link DbException}). */
    private RuntimeException stopped() {
        RunLock l = runLock;
        if (l != null && l.lostReason() != null) {
            return new DbException("verification of " + plan.name() + " stopped: it lost its run lock on the " + newDb.role() + " ("
                    + l.lostReason() + "), so another verify or repair may be running; no verdict, run it again");
        }
        return new CancellationException("verification of " + plan.name() + " stopped before every row was compared: no verdict");
    }

    private static String firstError(ChunkRunner.Result r) {
        if (!r.errors().isEmpty()) {
            return r.errors().get(0);
        }
        if (!r.failedChunks().isEmpty()) {
            ChunkLedger.Failed f = r.failedChunks().get(0);
            return f.table() + ": chunk " + f.seq() + " with keys " + f.range() + " failed: " + f.error();
        }
        return "the verification ended before every chunk was compared";
    }

    /**
     * A table whose from side was empty when its run started has no chunk in the ledger, but its to
     * side may hold rows (all extra): compared here as one range without bounds.
     */
    private void compareEmptyTables(VerifyJob job, List<TableCheck> checks, Map<String, Long> rows) throws SQLException {
        CompareSession session = null;
        try (Connection c = job.openLedgerConnection()) {
            for (TableCheck t : checks) {
                String name = VerifyJob.ledgerName(t);
                if (job.ledger().read(c, name).map(run -> run.upper() != null).orElse(true)) {
                    continue;
                }
                if (session == null) {
                    session = (CompareSession) job.openSession(0);
                }
                rows.put(name, rows.getOrDefault(name, 0L) + session.compareWhole(name, t).rows());
            }
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private Map<String, Long> sample(VerifyJob job, List<TableCheck> checks) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (CompareSession session = (CompareSession) job.openSession(0)) {
            for (TableCheck t : checks) {
                if (control.stopRequested()) {
                    throw stopped();
                }
                rows.put(VerifyJob.ledgerName(t), session.sample(VerifyJob.ledgerName(t), t, options.sample()).rows());
            }
        }
        return rows;
    }

    /** A progress event with the tables under their report names and the job as "verify" or "repair". */
    static ProgressEvent renamed(ProgressEvent e, String label, Map<String, String> display) {
        List<TableProgress> tables = new ArrayList<>();
        for (TableProgress t : e.tables()) {
            tables.add(new TableProgress(display.getOrDefault(t.table(), t.table()), t.state(), t.rowsDone(), t.rowsTotal(),
                    t.rowsPerSec(), t.eta(), t.error()));
        }
        return new ProgressEvent(label, e.at(), tables, e.total(), e.throttle(), e.finished());
    }

    private VerifyReport report(VerifyJob job, List<TableCheck> checks, Map<String, Long> rows, Connection c, Instant at,
                                long start) throws SQLException {
        Map<String, long[]> counts = job.store().counts(c);
        Map<String, long[]> lossy = job.store().lossy(c);
        List<TableReport> tables = new ArrayList<>();
        for (TableCheck t : checks) {
            long[] k = counts.getOrDefault(t.name(), new long[Difference.Kind.values().length]);
            long missing = k[Difference.Kind.MISSING_IN_TARGET.ordinal()];
            long extra = k[Difference.Kind.EXTRA_IN_TARGET.ordinal()];
            long different = k[Difference.Kind.DIFFERENT.ordinal()];
            long fromRows = rows.getOrDefault(VerifyJob.ledgerName(t), 0L);
            tables.add(new TableReport(t.name(), fromRows + (options.sampled() ? 0 : extra), missing, extra, different,
                    lossy.getOrDefault(t.name(), new long[1])[0]));
        }
        return new VerifyReport(options.direction(), options.sampled(), options.tables().isEmpty(), at,
                (System.nanoTime() - start) / 1_000_000, tables, job.store().first(c, VerifyReport.KEPT));
    }

    /** Every difference of the last run of this verifier, in table and key order, streamed from the new database. */
    public void eachDifference(Consumer<Difference> to) {
        withStore((store, c) -> store.each(c, 0, to));
    }

    /** The first {@code limit} differences of the last run (all of every worker process). */
    public List<Difference> differences(int limit) {
        List<Difference> out = new ArrayList<>();
        withStore((store, c) -> store.each(c, limit, out::add));
        return out;
    }

    private interface StoreWork {
        void run(DifferenceStore store, Connection c) throws SQLException;
    }

    private void withStore(StoreWork work) {
        String job = lastJob;
        if (job == null) {
            throw new IllegalStateException("no verification has run yet");
        }
        try (Connection c = newDb.connect()) {
            c.setAutoCommit(false);
            work.run(new DifferenceStore(job, plan.name()), c);
        } catch (SQLException e) {
            throw new DbException("cannot read the differences in cutover.verify_difference on the " + newDb.role() + ": "
                    + Sql.message(e), e);
        }
    }

    Db oldDb() {
        return oldDb;
    }

    Db newDb() {
        return newDb;
    }

    Plan plan() {
        return plan;
    }

    VerifyOptions options() {
        return options;
    }
}
