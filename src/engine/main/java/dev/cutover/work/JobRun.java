package dev.cutover.work;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.WorkThrottle;
import dev.cutover.control.RedisLink;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.sql.SQLException;
import java.time.Duration;

/**
 * One run of a chunked job by this process, wired the same way for every job ({@link RunControl#open}):
 * chunk leases (in Redis, shared with every process of the job, or among this process's threads
 * without Redis), the throttle's back-off while the old database's latency is above the limit, the
 * live throttle hash in Redis applied before the run and at every progress tick, and the
 * {@link ChunkRunner}. Closing it releases all of that.
 */
public final class JobRun implements AutoCloseable {
    private final RunControl control;
    private final ChunkJob job;
    private final JobOptions options;
    private final ControlKeys keys;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> redis;
    private final Leases leases;
    private final LatencyProbe probe;
    private volatile ChunkRunner runner;
    private volatile boolean stopped;

    JobRun(RunControl control, ChunkJob job, JobOptions options, Db oldDb) {
        this.control = control;
        this.job = job;
        this.options = options;
        this.keys = new ControlKeys(job.migration());
        String url = options.redisUrl();
        if (url != null) {
            client = RedisClient.create(url);
            try {
                redis = client.connect();
            } catch (RedisException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw new DbException("cannot connect to Redis at " + RedisLink.safeUrl(url) + ": "
                        + (e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage()), e);
            }
            leases = new RedisLeases(redis.sync(), id -> keys.workLease(job.name(), id), control.workerId(), options.leaseTtlMillis());
        } else {
            client = null;
            redis = null;
            leases = new LocalLeases(control.workerId());
        }
        if (options.latencyLimitMillis() > 0) {
            probe = new LatencyProbe(oldDb::connect, options.probeIntervalMillis()).start();
            control.throttle().guardLatency(probe, options.latencyLimitMillis());
        } else {
            probe = null;
        }
    }

    /** Redis commands of the run, or null without Redis. */
    public RedisCommands<String, String> redis() {
        return redis == null ? null : redis.sync();
    }

    /** The Redis keys of the job's migration. */
    public ControlKeys keys() {
        return keys;
    }

    /** The throttle hash this run follows: {@code cutover:{M}:<kind>:throttle}. */
    public String throttleKey() {
        return keys.workThrottle(control.kind());
    }

    /**
     * Starts the job's throttle hash afresh for a new run (with Redis; else nothing): no cap carried
     * over from an earlier run (each process keeps its own until one is set there), paused only if
     * this process is (the console may pause before it starts).
     */
    public void resetThrottleHash() {
        if (redis != null) {
            redis.sync().hdel(throttleKey(), WorkThrottle.MAX_ROWS_PER_SEC);
            redis.sync().hset(throttleKey(), WorkThrottle.PAUSED, String.valueOf(control.throttle().isPaused()));
        }
    }

    /**
     * Runs this process's workers until every chunk of the job is done (or {@link #stop}); the Redis
     * throttle hash is applied first and before each {@code tick}, which gets every progress event.
     */
    public ChunkRunner.Result run(ProgressListener tick) throws SQLException, InterruptedException {
        Throttle throttle = control.throttle();
        ProgressListener out = tick == null ? ProgressListener.NONE : tick;
        ProgressListener all = e -> {
            applyThrottleHash();
            out.onProgress(e);
        };
        applyThrottleHash();
        runner = new ChunkRunner(job, leases, throttle, options, all);
        if (stopped) {
            runner.stop();
        }
        return runner.run();
    }

    private void applyThrottleHash() {
        if (redis != null) {
            RedisThrottle.apply(redis.sync(), throttleKey(), control.throttle());
        }
    }

    /** Stops after the chunks in hand. */
    public void stop() {
        stopped = true;
        ChunkRunner r = runner;
        if (r != null) {
            r.stop();
        }
    }

    @Override
    public void close() {
        control.closed(this);
        leases.close();
        if (probe != null) {
            control.throttle().guardLatency(null, 0);
            probe.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
