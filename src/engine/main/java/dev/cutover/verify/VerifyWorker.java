package dev.cutover.verify;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.work.ChunkRunner;
import dev.cutover.work.JobRun;
import dev.cutover.work.RunControl;
import dev.cutover.work.Throttle;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An extra worker process for a verification (or repair) started elsewhere with {@code --redis}
 * ({@code cutover worker --job verify}): finds the run announced in Redis ({@link ActiveRun}),
 * resolves the same tables in the same direction with the same row hash, and compares chunks of
 * that run beside the other workers, under the run's Redis leases. Its differences go to the run's
 * store with their chunks, so they appear in the report of the process that started the run; a
 * worker gives no verdict of its own. It stops when the run is no longer announced (it ended, or
 * its coordinator died and the announcement expired).
 */
public final class VerifyWorker {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyWorker.class);

    /** How this process's part ended. {@code complete}: every chunk of the run is compared (by anyone). */
    public record Result(String job, boolean repair, Direction direction, boolean complete, long rowsByThisProcess,
                         long differencesByThisProcess, Duration workTime, List<String> errors) {
        public Result {
            errors = List.copyOf(errors);
        }
    }

    private final Plan plan;
    private final Db oldDb;
    private final Db newDb;
    private final VerifyOptions options;
    private final VerifyListener listener;
    private final RunControl control;

    /** {@code options} give this process's tuning and its Redis URL; direction and tables come from the run. */
    public VerifyWorker(Plan plan, Db oldDb, Db newDb, VerifyOptions options, VerifyListener listener) {
        if (options.work().redisUrl() == null) {
            throw new IllegalArgumentException("a verify worker needs Redis (--redis or CUTOVER_REDIS_URL): the run is announced there");
        }
        this.plan = plan;
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.options = options;
        this.listener = listener == null ? VerifyListener.NONE : listener;
        this.control = new RunControl(VerifyJob.KIND, options.work());
    }

    public Throttle throttle() {
        return control.throttle();
    }

    public String workerId() {
        return control.workerId();
    }

    public void stop() {
        control.stop();
    }

    /** Waits up to {@code wait} for a run of the plan's migration to be announced, then works on it until it ends. */
    public Result join(Duration wait) throws InterruptedException {
        ControlKeys keys = new ControlKeys(plan.name());
        ActiveRun run = await(keys, wait);
        LOG.info("joining {} of {} ({}) started by {}", run.job(), plan.name(), VerifySummary.wire(run.direction()), run.coordinator());
        // the run's fixed chunk size, if it has one, holds for every worker
        VerifyOptions o = options.withDirection(run.direction()).withTables(run.tables()).withChunkRows(run.chunkRows());
        Db fromDb = Resolver.fromDb(run.direction(), oldDb, newDb);
        Db toDb = Resolver.toDb(run.direction(), oldDb, newDb);
        List<TableCheck> checks;
        try (Side from = new Side(fromDb); Side to = new Side(toDb)) {
            checks = Resolver.resolve(plan, run.direction(), run.tables(), from, to, run.hash());
        }
        AtomicLong found = new AtomicLong();
        VerifyJob job = new VerifyJob(run.job(), plan.name(), fromDb, toDb, newDb, checks, o.leafRows(), o.recheckDelayMillis(), run.repair(), control.workerId(),
                (t, diffs, repaired) -> {
                    found.addAndGet(diffs.size());
                    diffs.forEach(listener::difference);
                });
        Map<String, String> display = new HashMap<>();
        checks.forEach(t -> display.put(VerifyJob.ledgerName(t), t.name()));
        try (JobRun cr = control.open(job, o.work(), oldDb)) {
            ChunkRunner.Result r = cr.run(e -> {
                if (!stillAnnounced(cr, run)) {
                    LOG.info("{} is no longer announced in Redis (it ended or its coordinator stopped); stopping", run.job());
                    cr.stop();
                }
                listener.onProgress(Verifier.renamed(e, run.repair() ? "repair" : "verify", display));
            });
            return new Result(run.job(), run.repair(), run.direction(), r.complete(), r.rowsByThisProcess(), found.get(), r.workTime(),
                    r.errors());
        } catch (SQLException e) {
            throw new DbException("verify worker for " + plan.name() + " on the " + newDb.role() + ": " + dev.cutover.pg.Sql.message(e), e);
        }
    }

    private static boolean stillAnnounced(JobRun cr, ActiveRun run) {
        try {
            return ActiveRun.read(cr.redis(), cr.keys()).map(a -> a.job().equals(run.job())).orElse(false);
        } catch (RuntimeException e) {
            LOG.debug("cannot read the verify announcement: {}", e.getMessage());
            return true; // Redis away for a moment: the leases decide, keep going
        }
    }

    private ActiveRun await(ControlKeys keys, Duration wait) throws InterruptedException {
        RedisClient client = RedisClient.create(options.work().redisUrl());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long end = System.nanoTime() + wait.toNanos();
            while (true) {
                Optional<ActiveRun> run = ActiveRun.read(c.sync(), keys);
                if (run.isPresent()) {
                    return run.get();
                }
                if (control.stopRequested() || System.nanoTime() > end) {
                    throw new DbException("no verify or repair of " + plan.name() + " is running (none announced in Redis at "
                            + keys.verifyRun() + " within " + wait.toSeconds() + " s); start one with cutover verify --redis URL");
                }
                Thread.sleep(250);
            }
        } catch (RedisException e) {
            throw VerifySummary.failure("cannot connect to Redis at " + VerifySummary.safeUrl(options.work().redisUrl()), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
