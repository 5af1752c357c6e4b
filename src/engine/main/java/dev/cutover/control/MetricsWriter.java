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
import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * Shadow-read and dual-write metrics of one process (a router), counted in memory per second
 * and written to Redis once a second by a background thread: one Lua script per second bucket
 * that HINCRBYs the counters, keeps the gauges at their maximum and sets the bucket's expiry.
 * Recording never waits for Redis; if Redis is unreachable the counts are kept and sent later, at
 * most {@link #MAX_PENDING_SECONDS} seconds of them (older ones are dropped and counted in
 * {@link #droppedSeconds()}).
 *
 * <p>Recording is on the application's request path, so it is a few array-indexed
 * {@link LongAdder} increments: every fixed field has a slot (no field name is built or hashed),
 * the current second's bucket is cached, and a shared read lock keeps a flush from taking a
 * bucket away while a sample is being added to it (nothing is lost or counted twice).
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

    // slots of the fixed counter fields
    private static final int READS_OLD = 0;
    private static final int READS_NEW = 1;
    private static final int ERRORS_OLD = 2;
    private static final int ERRORS_NEW = 3;
    private static final int LATENCY_SUM_OLD = 4;
    private static final int LATENCY_SUM_NEW = 5;
    private static final int COMPARED = 6;
    private static final int MISMATCHES = 7;
    private static final int SHADOW_ERRORS = 8;
    private static final int MIRROR_WRITES = 9;
    private static final int MIRROR_FAILURES = 10;
    private static final int HIST_OLD = 11;
    private static final int HIST_NEW = HIST_OLD + Metric.LATENCY_BOUNDS_MS.length;
    private static final String[] FIELDS = fixedFields();

    private static String[] fixedFields() {
        int[] bounds = Metric.LATENCY_BOUNDS_MS;
        String[] f = new String[HIST_NEW + bounds.length];
        f[READS_OLD] = Metric.READS_OLD;
        f[READS_NEW] = Metric.READS_NEW;
        f[ERRORS_OLD] = Metric.ERRORS_OLD;
        f[ERRORS_NEW] = Metric.ERRORS_NEW;
        f[LATENCY_SUM_OLD] = Metric.LATENCY_US_SUM_OLD;
        f[LATENCY_SUM_NEW] = Metric.LATENCY_US_SUM_NEW;
        f[COMPARED] = Metric.COMPARED;
        f[MISMATCHES] = Metric.MISMATCHES;
        f[SHADOW_ERRORS] = Metric.SHADOW_ERRORS;
        f[MIRROR_WRITES] = Metric.MIRROR_WRITES;
        f[MIRROR_FAILURES] = Metric.MIRROR_FAILURES;
        for (int i = 0; i < bounds.length; i++) {
            f[HIST_OLD + i] = Metric.latencyField(false, bounds[i]);
            f[HIST_NEW + i] = Metric.latencyField(true, bounds[i]);
        }
        return f;
    }

    /** The counts of one second: fixed fields by slot, per-query counters and gauges by name. */
    private static final class Bucket {
        final long second;
        final LongAdder[] fixed = new LongAdder[FIELDS.length];
        final Map<String, LongAdder> named = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

        Bucket(long second) {
            this.second = second;
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = new LongAdder();
            }
        }

        void add(String field, long n) {
            named.computeIfAbsent(field, k -> new LongAdder()).add(n);
        }

        void max(String field, long v) {
            gauges.computeIfAbsent(field, k -> new AtomicLong(Long.MIN_VALUE)).accumulateAndGet(v, Math::max);
        }
    }

    /** The two per-query counter names of a query label, built once. */
    private record QueryFields(String compared, String mismatches) {
        static QueryFields of(String label) {
            return new QueryFields(Metric.comparedFor(label), Metric.mismatchesFor(label));
        }
    }

    private final RedisLink link;
    private final ControlKeys keys;
    private final long retentionSeconds;
    private final LongSupplier clock;
    private final ConcurrentSkipListMap<Long, Bucket> pending = new ConcurrentSkipListMap<>();
    /** The bucket of the newest second recorded; reset by every flush (under the write lock). */
    private volatile Bucket current;
    /** Recorders share it; a flush takes it alone to take the pending buckets away. */
    private final StampedLock swap = new StampedLock();
    private final Map<String, QueryFields> queries = new ConcurrentHashMap<>();
    private final QueryFields other = QueryFields.of(OTHER_QUERY);
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
        int hist = (newSide ? HIST_NEW : HIST_OLD) + histogramIndex((us + 999) / 1000);
        long stamp = swap.readLock();
        try {
            LongAdder[] f = bucket().fixed;
            // the read itself is counted by its histogram slot: reads_old/new are the histogram's sums
            f[newSide ? LATENCY_SUM_NEW : LATENCY_SUM_OLD].add(us);
            f[hist].increment();
            if (error) {
                f[newSide ? ERRORS_NEW : ERRORS_OLD].increment();
            }
        } finally {
            swap.unlockRead(stamp);
        }
    }

    /** The histogram bucket of a latency: the first bound at or above it (the last one is unbounded). */
    private static int histogramIndex(long ms) {
        int[] bounds = Metric.LATENCY_BOUNDS_MS;
        for (int i = 0; i < bounds.length - 1; i++) {
            if (ms <= bounds[i]) {
                return i;
            }
        }
        return bounds.length - 1;
    }

    /** A shadow comparison of query {@code query}; {@code mismatch} after the re-check. */
    public void compared(String query, boolean mismatch) {
        QueryFields q = label(query);
        long stamp = swap.readLock();
        try {
            Bucket b = bucket();
            b.fixed[COMPARED].increment();
            b.add(q.compared(), 1);
            if (mismatch) {
                b.fixed[MISMATCHES].increment();
                b.add(q.mismatches(), 1);
            }
        } finally {
            swap.unlockRead(stamp);
        }
    }

    /** A shadow read that failed (on the new side) and so was not compared. */
    public void shadowError() {
        count(SHADOW_ERRORS);
    }

    /** A mirror write, and whether it failed (and went to the failed-write queue). */
    public void mirrorWrite(boolean failed) {
        long stamp = swap.readLock();
        try {
            LongAdder[] f = bucket().fixed;
            f[MIRROR_WRITES].increment();
            if (failed) {
                f[MIRROR_FAILURES].increment();
            }
        } finally {
            swap.unlockRead(stamp);
        }
    }

    /** The failed-write queue depth seen now (the second keeps its maximum). */
    public void queueDepth(long depth) {
        gauge(Metric.QUEUE_DEPTH, depth);
    }

    /** Replay lag seen now in milliseconds (the second keeps its maximum). */
    public void replayLagMs(long lagMs) {
        gauge(Metric.REPLAY_LAG_MS, lagMs);
    }

    /** Seconds of metrics dropped because Redis stayed unreachable too long. */
    public long droppedSeconds() {
        return dropped.get();
    }

    /** Seconds of metrics not yet written to Redis. */
    public int pendingSeconds() {
        return pending.size();
    }

    private void count(int slot) {
        long stamp = swap.readLock();
        try {
            bucket().fixed[slot].increment();
        } finally {
            swap.unlockRead(stamp);
        }
    }

    private void gauge(String field, long v) {
        long stamp = swap.readLock();
        try {
            bucket().max(field, v);
        } finally {
            swap.unlockRead(stamp);
        }
    }

    /** The bucket of this second; call with the read lock held. */
    private Bucket bucket() {
        long second = clock.getAsLong() / 1000;
        Bucket b = current;
        return b != null && b.second == second ? b : bucketOf(second);
    }

    private Bucket bucketOf(long second) {
        Bucket b = pending.computeIfAbsent(second, Bucket::new);
        Bucket c = current;
        if (c == null || c.second < second) {
            current = b;  // only a cache: a racing older second is corrected by the next sample
        }
        if (pending.size() > MAX_PENDING_SECONDS) {
            trim();
        }
        return b;
    }

    private QueryFields label(String query) {
        String q = query == null || query.isBlank() ? OTHER_QUERY : query.length() > 64 ? query.substring(0, 64) : query;
        QueryFields f = queries.get(q);
        if (f != null) {
            return f;
        }
        if (queries.size() >= MAX_QUERIES) {
            return other;
        }
        return queries.computeIfAbsent(q, QueryFields::of);
    }

    /**
     * Writes every pending second to Redis now. Returns true if all were written; on failure
     * the counts stay pending for the next flush.
     */
    public boolean flush() {
        synchronized (flushing) {
            TreeMap<Long, Bucket> batch;
            long stamp = swap.writeLock();
            try {
                batch = new TreeMap<>(pending);
                pending.clear();
                current = null;
            } finally {
                swap.unlockWrite(stamp);
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
                    putBack(batch.get(second));
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

    /** The script's arguments: the counters that are not zero, then the gauges. */
    private String[] args(Bucket b) {
        List<String> counters = new ArrayList<>();
        long[] v0 = new long[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            v0[i] = b.fixed[i].sum();
        }
        for (int i = 0; i < Metric.LATENCY_BOUNDS_MS.length; i++) {
            v0[READS_OLD] += v0[HIST_OLD + i];
            v0[READS_NEW] += v0[HIST_NEW + i];
        }
        for (int i = 0; i < FIELDS.length; i++) {
            long v = v0[i];
            if (v != 0) {
                counters.add(FIELDS[i]);
                counters.add(Long.toString(v));
            }
        }
        b.named.forEach((f, v) -> {
            counters.add(f);
            counters.add(Long.toString(v.sum()));
        });
        List<String> a = new ArrayList<>(counters.size() + 2 + 2 * b.gauges.size());
        a.add(Long.toString(retentionSeconds));
        a.add(Integer.toString(counters.size() / 2));
        a.addAll(counters);
        b.gauges.forEach((f, v) -> {
            a.add(f);
            a.add(Long.toString(v.get()));
        });
        return a.toArray(String[]::new);
    }

    private void putBack(Bucket b) {
        long stamp = swap.readLock();
        try {
            Bucket into = pending.computeIfAbsent(b.second, Bucket::new);
            for (int i = 0; i < FIELDS.length; i++) {
                into.fixed[i].add(b.fixed[i].sum());
            }
            b.named.forEach((f, v) -> into.add(f, v.sum()));
            b.gauges.forEach((f, v) -> into.max(f, v.get()));
        } finally {
            swap.unlockRead(stamp);
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
