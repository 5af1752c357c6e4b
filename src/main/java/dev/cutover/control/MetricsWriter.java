package dev.cutover.control;

import dev.cutover.control.ControlKeys.Metric;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * Shadow-read and dual-write metrics of one process (a router), counted in memory per second
 * and written to Redis once a second by a background thread: one Lua script per second bucket
 * that HINCRBYs the counters, keeps the gauges at their maximum and sets the bucket's expiry.
 * Recording never waits for Redis (a few atomic increments); if Redis is unreachable the counts
 * are kept and sent later, at most {@link #MAX_PENDING_SECONDS} seconds of them (older ones are
 * dropped and counted in {@link #droppedSeconds()}).
 *
 * <p>Memory in Redis is bounded regardless of traffic: one hash per second, expiring after the
 * retention time, with a fixed set of fields plus two per query label, and at most
 * {@link #MAX_QUERIES} query labels per process (further labels count as {@code other}).
 */
public final class MetricsWriter implements AutoCloseable {
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    public static final int MAX_QUERIES = 50;
    public static final int MAX_PENDING_SECONDS = 120;
    public static final String OTHER_QUERY = "other";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsWriter.class);

    /** KEYS[1] bucket; ARGV: ttl seconds, number of counters, counter pairs…, gauge pairs…. */
    private static final LuaScript FLUSH = new LuaScript("""
            local n = tonumber(ARGV[2])
            local i = 3
            for c = 1, n do
              redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
              i = i + 2
            end
            while i < #ARGV do
              local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '-1')
              if tonumber(ARGV[i + 1]) > cur then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
              i = i + 2
            end
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    private static final class Bucket {
        final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

        void add(String field, long n) {
            counters.computeIfAbsent(field, k -> new LongAdder()).add(n);
        }

        void max(String field, long v) {
            gauges.computeIfAbsent(field, k -> new AtomicLong(Long.MIN_VALUE)).accumulateAndGet(v, Math::max);
        }
    }

    private final RedisLink link;
    private final ControlKeys keys;
    private final long retentionSeconds;
    private final LongSupplier clock;
    private final ConcurrentSkipListMap<Long, Bucket> pending = new ConcurrentSkipListMap<>();
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private final Set<String> queries = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private final Object flushing = new Object();
    private final ScheduledExecutorService flusher;

    /** Flushes every second in the background, with the default retention of one hour. */
    public MetricsWriter(RedisLink link, ControlKeys keys) {
        this(link, keys, DEFAULT_RETENTION, System::currentTimeMillis, true);
    }

    /**
     * @param retention   how long Redis keeps a bucket
     * @param clockMillis the clock that picks each sample's second
     * @param background  flush every second on a daemon thread (false: only {@link #flush()})
     */
    public MetricsWriter(RedisLink link, ControlKeys keys, Duration retention, LongSupplier clockMillis, boolean background) {
        this.link = link;
        this.keys = keys;
        this.retentionSeconds = Math.max(1, retention.toSeconds());
        this.clock = clockMillis;
        if (background) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cutover-metrics-" + keys.prefix());
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
        } else {
            flusher = null;
        }
    }

    /** A read executed on one side (served or shadow): its latency, and whether it failed. */
    public void read(boolean newSide, long latencyMicros, boolean error) {
        long us = Math.max(0, latencyMicros);
        long ms = (us + 999) / 1000;
        String hist = null;
        for (int bound : Metric.LATENCY_BOUNDS_MS) {
            if (ms <= bound) {
                hist = Metric.latencyField(newSide, bound);
                break;
            }
        }
        String histField = hist;
        record(b -> {
            b.add(newSide ? Metric.READS_NEW : Metric.READS_OLD, 1);
            b.add(newSide ? Metric.LATENCY_US_SUM_NEW : Metric.LATENCY_US_SUM_OLD, us);
            b.add(histField, 1);
            if (error) {
                b.add(newSide ? Metric.ERRORS_NEW : Metric.ERRORS_OLD, 1);
            }
        });
    }

    /** A shadow comparison of query {@code query}; {@code mismatch} after the re-check. */
    public void compared(String query, boolean mismatch) {
        String q = label(query);
        record(b -> {
            b.add(Metric.COMPARED, 1);
            b.add(Metric.comparedFor(q), 1);
            if (mismatch) {
                b.add(Metric.MISMATCHES, 1);
                b.add(Metric.mismatchesFor(q), 1);
            }
        });
    }

    /** A shadow read that failed (on the new side) and so was not compared. */
    public void shadowError() {
        record(b -> b.add(Metric.SHADOW_ERRORS, 1));
    }

    /** A mirror write, and whether it failed (and went to the failed-write queue). */
    public void mirrorWrite(boolean failed) {
        record(b -> {
            b.add(Metric.MIRROR_WRITES, 1);
            if (failed) {
                b.add(Metric.MIRROR_FAILURES, 1);
            }
        });
    }

    /** The failed-write queue depth seen now (the second keeps its maximum). */
    public void queueDepth(long depth) {
        record(b -> b.max(Metric.QUEUE_DEPTH, depth));
    }

    /** Replay lag seen now in milliseconds (the second keeps its maximum). */
    public void replayLagMs(long lagMs) {
        record(b -> b.max(Metric.REPLAY_LAG_MS, lagMs));
    }

    /** Seconds of metrics dropped because Redis stayed unreachable too long. */
    public long droppedSeconds() {
        return dropped.get();
    }

    /** Seconds of metrics not yet written to Redis. */
    public int pendingSeconds() {
        return pending.size();
    }

    private void record(java.util.function.Consumer<Bucket> change) {
        long second = clock.getAsLong() / 1000;
        swap.readLock().lock();
        try {
            change.accept(pending.computeIfAbsent(second, s -> new Bucket()));
        } finally {
            swap.readLock().unlock();
        }
        if (pending.size() > MAX_PENDING_SECONDS) {
            trim();
        }
    }

    private String label(String query) {
        String q = query == null || query.isBlank() ? OTHER_QUERY : query.length() > 64 ? query.substring(0, 64) : query;
        if (queries.contains(q)) {
            return q;
        }
        if (queries.size() >= MAX_QUERIES) {
            return OTHER_QUERY;
        }
        queries.add(q);
        return q;
    }

    /**
     * Writes every pending second to Redis now. Returns true if all were written; on failure
     * the counts stay pending for the next flush.
     */
    public boolean flush() {
        synchronized (flushing) {
            TreeMap<Long, Bucket> batch;
            swap.writeLock().lock();
            try {
                batch = new TreeMap<>(pending);
                pending.clear();
            } finally {
                swap.writeLock().unlock();
            }
            if (batch.isEmpty()) {
                return true;
            }
            List<Long> seconds = new ArrayList<>();
            List<String[]> argsList = new ArrayList<>();
            List<RedisFuture<Object>> futures = new ArrayList<>();
            for (Map.Entry<Long, Bucket> e : batch.entrySet()) {
                String[] args = args(e.getValue());
                seconds.add(e.getKey());
                argsList.add(args);
                futures.add(FLUSH.runAsync(link.async(), ScriptOutputType.INTEGER, new String[] {keys.metricsBucket(e.getKey())}, args));
            }
            boolean ok = true;
            for (int i = 0; i < futures.size(); i++) {
                long second = seconds.get(i);
                try {
                    await(futures.get(i), second, argsList.get(i));
                } catch (Exception ex) {
                    if (ok) {
                        LOG.warn("cannot write metrics to Redis at {} (kept for the next flush): {}", link.safeUrl(), RedisLink.describe(ex));
                    }
                    ok = false;
                    putBack(second, batch.get(second));
                }
            }
            return ok;
        }
    }

    private void await(RedisFuture<Object> f, long second, String[] args) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException) {
                FLUSH.runSourceAsync(link.async(), ScriptOutputType.INTEGER, new String[] {keys.metricsBucket(second)}, args)
                        .get(5, TimeUnit.SECONDS);
                return;
            }
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        }
    }

    private String[] args(Bucket b) {
        List<String> a = new ArrayList<>();
        a.add(Long.toString(retentionSeconds));
        a.add(Integer.toString(b.counters.size()));
        b.counters.forEach((f, v) -> {
            a.add(f);
            a.add(Long.toString(v.sum()));
        });
        b.gauges.forEach((f, v) -> {
            a.add(f);
            a.add(Long.toString(v.get()));
        });
        return a.toArray(String[]::new);
    }

    private void putBack(long second, Bucket b) {
        swap.readLock().lock();
        try {
            Bucket into = pending.computeIfAbsent(second, s -> new Bucket());
            b.counters.forEach((f, v) -> into.add(f, v.sum()));
            b.gauges.forEach((f, v) -> into.max(f, v.get()));
        } finally {
            swap.readLock().unlock();
        }
        trim();
    }

    private void trim() {
        while (pending.size() > MAX_PENDING_SECONDS) {
            if (pending.pollFirstEntry() != null) {
                dropped.incrementAndGet();
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("metrics flush failed: {}", RedisLink.describe(e));
        }
    }

    /** Stops the background flush and writes what is pending (best effort). */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
            try {
                flusher.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushQuietly();
    }
}
