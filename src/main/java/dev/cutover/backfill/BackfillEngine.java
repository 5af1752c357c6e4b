package dev.cutover.backfill;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.ChunkRunner;
import dev.cutover.work.LatencyProbe;
import dev.cutover.work.Leases;
import dev.cutover.work.LocalLeases;
import dev.cutover.work.ProgressListener;
import dev.cutover.work.RedisLeases;
import dev.cutover.work.Throttle;
import dev.cutover.work.WorkerId;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Copies every source row of a plan's tables into the new schema (DESIGN.md, phase "backfill"),
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
    private final Throttle throttle;
    private final String workerId;
    private volatile ChunkRunner runner;
    private volatile boolean stopRequested;

    public BackfillEngine(Db oldDb, Db newDb, Plan plan, BackfillOptions options) {
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.plan = plan;
        this.options = options;
        this.throttle = new Throttle(options.maxRowsPerSec());
        this.workerId = options.workerId() != null ? options.workerId() : WorkerId.generate();
    }

    /** The live throttle: cap, pause and resume while running. */
    public Throttle throttle() {
        return throttle;
    }

    public String workerId() {
        return workerId;
    }

    /** Stops after the chunks in hand (progress is kept; a later run resumes). */
    public void stop() {
        stopRequested = true;
        ChunkRunner r = runner;
        if (r != null) {
            r.stop();
        }
    }

    /** The plan's table mappings this run covers, in plan order. */
    public List<TableMapping> selectedTables() {
        if (options.tables().isEmpty()) {
            return plan.tables();
        }
        Set<TableMapping> out = new LinkedHashSet<>();
        for (String name : options.tables()) {
            TableMapping m = plan.table(name).or(() -> plan.tables().stream()
                    .filter(t -> t.target().toString().equals(name) || t.source().toString().equals(name)).findFirst())
                    .orElseThrow(() -> new DbException("--table " + name + ": no such table in plan " + plan.name()));
            out.add(m);
        }
        return new ArrayList<>(out);
    }

    /** Builds the flows of the selected tables against both live schemas, checking what the copy relies on. */
    public List<Flow> flows() {
        // both catalogs at once: the start of a run waits on the slower one only
        CompletableFuture<Schema> newRead = CompletableFuture.supplyAsync(() -> readSchema(newDb));
        Schema oldSchema = readSchema(oldDb);
        Schema newSchema;
        try {
            newSchema = newRead.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<Flow> flows = new ArrayList<>();
        for (TableMapping m : selectedTables()) {
            Schema.Table src = oldSchema.table(m.source()).orElseThrow(() -> new DbException(
                    "old database has no table " + SqlNames.quote(m.source()) + " (plan " + plan.name() + ")"));
            Schema.Table tgt = newSchema.table(m.target()).orElseThrow(() -> new DbException(
                    "new database has no table " + SqlNames.quote(m.target()) + " (plan " + plan.name() + ")"));
            if (!tgt.isUnique(m.targetKey())) {
                throw new DbException("new table " + m.target() + " has no primary key or unique constraint on ("
                        + String.join(", ", m.targetKey()) + "); backfill needs one to never overwrite rows already there");
            }
            try {
                flows.add(new MappingSql(m, src, tgt).forward());
            } catch (IllegalArgumentException e) {
                throw new DbException("table " + m.target() + ": " + e.getMessage());
            }
        }
        return flows;
    }

    /** Runs the backfill to its end (or to {@link #stop}); progress events go to {@code listener}. */
    public BackfillReport run(ProgressListener listener) throws InterruptedException {
        LOG.debug("reading both schemas");
        List<Flow> flows = flows();
        LOG.debug("schemas read");
        String migration = plan.name();
        ControlKeys keys = new ControlKeys(migration);
        BackfillJob job = new BackfillJob(migration, oldDb, newDb, flows, options.onError(), options.load(), workerId, throttle);
        List<String> names = flows.stream().map(BackfillJob::tableName).toList();
        List<String> planTables = plan.tables().stream().map(t -> t.target().toString()).toList();

        RedisClient client = null;
        StatefulRedisConnection<String, String> redis = null;
        Leases leases;
        Connection lock = null;
        LatencyProbe probe = null;
        RedisSummary summary = null;
        try {
            lock = newDb.connect();
            prepareCheckpoints(lock, job.ledger(), names, options.redisUrl() != null, migration);
            LOG.debug("checkpoints ready");
            if (options.redisUrl() != null) {
                client = RedisClient.create(options.redisUrl());
                try {
                    redis = client.connect();
                } catch (RedisException e) {
                    throw new DbException("cannot connect to Redis at " + options.redisUrl() + ": " + e.getMessage(), e);
                }
                leases = new RedisLeases(redis.sync(), id -> keys.workLease(BackfillJob.NAME, id), workerId, options.leaseTtlMillis());
                summary = new RedisSummary(redis.sync(), keys, job.ledger(), planTables, job::openLedgerConnection);
                summary.applyThrottle(throttle);
            } else {
                leases = new LocalLeases(workerId);
            }
            if (options.latencyLimitMillis() > 0) {
                probe = new LatencyProbe(oldDb::connect, options.probeIntervalMillis()).start();
                throttle.guardLatency(probe, options.latencyLimitMillis());
            }
            RedisSummary pub = summary;
            ProgressListener out = listener == null ? ProgressListener.NONE : listener;
            ProgressListener all = e -> {
                if (pub != null) {
                    pub.applyThrottle(throttle);
                    pub.publish(e);
                }
                out.onProgress(e);
            };
            ChunkRunner.Options ro = ChunkRunner.Options.defaults().withWorkers(options.workers())
                    .withTargetChunkSeconds(options.targetChunkSeconds())
                    .withChunkRows(options.minChunkRows(), options.initialChunkRows(), options.maxChunkRows())
                    .withRetries(options.retries(), options.retryBaseMillis())
                    .withProgressInterval(options.progressIntervalMillis());
            runner = new ChunkRunner(job, leases, throttle, ro, all);
            if (stopRequested) {
                runner.stop();
            }
            ChunkRunner.Result result;
            try {
                result = runner.run();
            } finally {
                leases.close();
                durable(lock, newDb);
            }
            return new BackfillReport(result.tables(), result.failedChunks(), skipped(newDb, migration, names), result.stopped(),
                    result.rowsByThisProcess(), result.workTime(), result.workerErrors());
        } catch (SQLException e) {
            throw new DbException("backfill of " + migration + ": " + Sql.message(e), e);
        } finally {
            if (probe != null) {
                probe.close();
            }
            if (summary != null) {
                summary.close();
            }
            if (redis != null) {
                redis.close();
            }
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            if (lock != null) {
                try {
                    lock.close();
                } catch (SQLException ignored) {
                    // releases the run lock
                }
            }
        }
    }

    /**
     * Creates the checkpoint tables, takes the run lock (exclusive for a run without Redis, shared
     * for processes joining through Redis, held by {@code lock} until the run ends) and forgets
     * previous runs when restarting.
     */
    private void prepareCheckpoints(Connection lock, ChunkLedger ledger, List<String> names, boolean shared, String migration)
            throws SQLException {
        lock.setAutoCommit(false);
        ChunkLedger.install(lock);
        try (Statement s = lock.createStatement()) {
            s.execute(BackfillSql.SKIPPED_DDL);
        }
        lock.commit();
        lock.setAutoCommit(true);
        String fn = shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock";
        try (PreparedStatement ps = lock.prepareStatement("SELECT " + fn + "(hashtext(?))")) {
            ps.setString(1, "cutover-backfill:" + migration);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new DbException("another backfill of " + migration + " is running on the new database "
                            + (shared ? "without Redis (stop it, or give every process the same --redis)"
                                      : "(give every process the same --redis to run several at once)"));
                }
            }
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

    private static List<BackfillReport.SkippedRow> skipped(Db db, String migration, List<String> names) {
        List<BackfillReport.SkippedRow> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(BackfillSql.SKIPPED_LIST)) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (names.contains(rs.getString(1))) {
                        out.add(new BackfillReport.SkippedRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
        } catch (SQLException | DbException e) {
            LOG.warn("cannot list skipped rows: {}", e.getMessage());
        }
        return out;
    }

    private static Schema readSchema(Db db) {
        try (Connection c = db.connect()) {
            return SchemaReader.read(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the tables of the " + db.role() + ": " + Sql.message(e), e);
        }
    }
}
