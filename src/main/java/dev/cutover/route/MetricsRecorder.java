package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.Metric;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts router events in memory per epoch second and writes completed seconds to the metrics
 * bucket hashes ({@link ControlKeys#metricsBucket}, fields of {@link Metric}) with HINCRBY and
 * EXPIRE; gauges keep the maximum seen in that second. Recording is a few memory operations;
 * the write to Redis happens on the router's tick thread. Seconds that could not be written
 * (Redis down) are kept and retried for five minutes.
 */
final class MetricsRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsRecorder.class);
    /** How long a bucket lives in Redis. */
    static final long BUCKET_TTL_SECONDS = 86_400;
    private static final long KEEP_UNSENT_SECONDS = 300;
    /**
     * Writes one second atomically: ARGV = ttl, number of counters, then field/value pairs of the
     * counters (HINCRBY) followed by those of the gauges (kept at their maximum).
     */
    private static final String WRITE_SECOND = "local n = tonumber(ARGV[2]) local i = 3 "
            + "for j = 1, n do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) i = i + 2 end "
            + "while i <= #ARGV do local c = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '-1') "
            + "if tonumber(ARGV[i + 1]) > c then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end i = i + 2 end "
            + "redis.call('EXPIRE', KEYS[1], ARGV[1]) return 1";

    private final ControlKeys keys;
    private final ConcurrentSkipListMap<Long, Second> seconds = new ConcurrentSkipListMap<>();

    private static final class Second {
        final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, LongAccumulator> gauges = new ConcurrentHashMap<>();
    }

    MetricsRecorder(ControlKeys keys) {
        this.keys = keys;
    }

    void add(String field, long n) {
        current().counters.computeIfAbsent(field, f -> new LongAdder()).add(n);
    }

    void inc(String field) {
        add(field, 1);
    }

    /** A query on one side took {@code micros}: latency sum and histogram. */
    void latency(boolean newSide, long micros) {
        Second s = current();
        s.counters.computeIfAbsent(newSide ? Metric.LATENCY_US_SUM_NEW : Metric.LATENCY_US_SUM_OLD, f -> new LongAdder()).add(micros);
        long ms = (micros + 999) / 1000;
        for (int bound : Metric.LATENCY_BOUNDS_MS) {
            if (ms <= bound) {
                String f = (newSide ? Metric.LATENCY_HIST_PREFIX_NEW : Metric.LATENCY_HIST_PREFIX_OLD) + bound;
                s.counters.computeIfAbsent(f, x -> new LongAdder()).increment();
                break;
            }
        }
    }

    void gauge(String field, long value) {
        current().gauges.computeIfAbsent(field, f -> new LongAccumulator(Math::max, Long.MIN_VALUE)).accumulate(value);
    }

    private Second current() {
        long sec = System.currentTimeMillis() / 1000;
        Second s = seconds.get(sec);
        return s != null ? s : seconds.computeIfAbsent(sec, k -> new Second());
    }

    /** Writes every completed second (all of them when {@code all}); stops at the first Redis error and keeps the rest. */
    void flush(RedisCommands<String, String> redis, boolean all) {
        long now = System.currentTimeMillis() / 1000;
        Iterator<Map.Entry<Long, Second>> it = seconds.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Second> e = it.next();
            if (!all && e.getKey() >= now) {
                break;
            }
            String key = keys.metricsBucket(e.getKey());
            Second s = e.getValue();
            it.remove();
            java.util.List<String> args = new java.util.ArrayList<>();
            args.add(Long.toString(BUCKET_TTL_SECONDS));
            args.add("0");
            int counters = 0;
            for (Map.Entry<String, LongAdder> c : s.counters.entrySet()) {
                long v = c.getValue().sum();
                if (v != 0) {
                    args.add(c.getKey());
                    args.add(Long.toString(v));
                    counters++;
                }
            }
            args.set(1, Integer.toString(counters));
            for (Map.Entry<String, LongAccumulator> g : s.gauges.entrySet()) {
                args.add(g.getKey());
                args.add(Long.toString(g.getValue().get()));
            }
            try {
                redis.eval(WRITE_SECOND, ScriptOutputType.INTEGER, new String[] {key}, args.toArray(new String[0]));
            } catch (RuntimeException ex) {
                seconds.merge(e.getKey(), s, (a, b) -> a);
                LOG.debug("metrics not written: {}", ex.getMessage());
                break;
            }
        }
        seconds.headMap(now - KEEP_UNSENT_SECONDS).clear();
    }

    /** Unsent seconds (for tests and shutdown). */
    int pending() {
        return seconds.size();
    }
}
