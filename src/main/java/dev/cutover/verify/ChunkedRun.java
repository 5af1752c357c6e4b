package dev.cutover.verify;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.work.ChunkRunner;
import dev.cutover.work.LatencyProbe;
import dev.cutover.work.Leases;
import dev.cutover.work.LocalLeases;
import dev.cutover.work.ProgressListener;
import dev.cutover.work.RedisLeases;
import dev.cutover.work.RedisThrottle;
import dev.cutover.work.Throttle;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.sql.SQLException;
import java.time.Duration;

/**
 * This process's part in a verify run on the shared {@code dev.cutover.work} machinery: chunk
 * leases (in Redis, shared with every worker process of the run, or among this process's threads
 * without Redis), the throttle's back-off while the old database's latency is above the limit,
 * the live throttle hash in Redis applied every progress tick, and the {@link ChunkRunner}. Used
 * alike by the process that starts a verify and by {@code cutover worker --job verify}.
 */
final class ChunkedRun implements AutoCloseable {
    /** The throttle hash every verify worker follows: {@code cutover:{M}:verify:throttle}. */
    static final String THROTTLE_JOB = "verify";

    private final VerifyOptions options;
    private final ControlKeys keys;
    private final Throttle throttle;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> redis;
    private final Leases leases;
    private final LatencyProbe probe;
    private volatile ChunkRunner runner;
    private volatile boolean stopped;

    ChunkedRun(VerifyOptions options, String migration, String job, String workerId, Throttle throttle, Db oldDb) {
        this.options = options;
        this.keys = new ControlKeys(migration);
        this.throttle = throttle;
        if (options.redisUrl() != null) {
            client = RedisClient.create(options.redisUrl());
            try {
                redis = client.connect();
            } catch (RedisException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw RedisSummary.failure("cannot connect to Redis at " + RedisSummary.safeUrl(options.redisUrl()), e);
            }
            leases = new RedisLeases(redis.sync(), id -> keys.workLease(job, id), workerId, options.leaseTtlMillis());
        } else {
            client = null;
            redis = null;
            leases = new LocalLeases(workerId);
        }
        if (options.latencyLimitMillis() > 0) {
            probe = new LatencyProbe(oldDb::connect, options.probeIntervalMillis()).start();
            throttle.guardLatency(probe, options.latencyLimitMillis());
        } else {
            probe = null;
        }
    }

    /** Redis commands of the run, or null without Redis. */
    RedisCommands<String, String> redis() {
        return redis == null ? null : redis.sync();
    }

    ControlKeys keys() {
        return keys;
    }

    /** Runs this process's workers until every chunk of the job is compared (or {@link #stop}). */
    ChunkRunner.Result run(VerifyJob job, ProgressListener tick) throws SQLException, InterruptedException {
        int fixed = options.chunkRows();
        ChunkRunner.Options ro = ChunkRunner.Options.defaults().withWorkers(options.workers())
                .withTargetChunkSeconds(options.targetChunkSeconds())
                .withChunkRows(fixed > 0 ? fixed : 100, fixed > 0 ? fixed : 5_000, fixed > 0 ? fixed : 1_000_000)
                .withRetries(options.retries(), options.retryBaseMillis())
                .withProgressInterval(options.progressIntervalMillis());
        ProgressListener all = e -> {
            if (redis != null) {
                RedisThrottle.apply(redis.sync(), keys.workThrottle(THROTTLE_JOB), throttle);
            }
            tick.onProgress(e);
        };
        if (redis != null) {
            RedisThrottle.apply(redis.sync(), keys.workThrottle(THROTTLE_JOB), throttle);
        }
        runner = new ChunkRunner(job, leases, throttle, ro, all);
        if (stopped) {
            runner.stop();
        }
        return runner.run();
    }

    /** Stops after the chunks in hand. */
    void stop() {
        stopped = true;
        ChunkRunner r = runner;
        if (r != null) {
            r.stop();
        }
    }

    @Override
    public void close() {
        leases.close();
        if (probe != null) {
            throttle.guardLatency(null, 0);
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
