package dev.cutover.control;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the per-second metric buckets the routers write ({@link MetricsWriter}): one pipelined
 * HGETALL per second of the range, for the console's charts, the mismatch-rate guard and the
 * watchdog.
 */
public final class MetricsReader {
    private final RedisLink link;
    private final ControlKeys keys;

    public MetricsReader(RedisLink link, ControlKeys keys) {
        this.link = link;
        this.keys = keys;
    }

    /** One entry per second in [fromSecond, toSecond), empty where no router wrote anything. */
    public List<MetricsSecond> range(long fromSecond, long toSecond) {
        RedisAsyncCommands<String, String> redis = link.async();
        List<RedisFuture<Map<String, String>>> futures = new ArrayList<>();
        for (long s = fromSecond; s < toSecond; s++) {
            futures.add(redis.hgetall(keys.metricsBucket(s)));
        }
        List<MetricsSecond> out = new ArrayList<>(futures.size());
        try {
            long s = fromSecond;
            for (RedisFuture<Map<String, String>> f : futures) {
                Map<String, String> raw = f.get(10, TimeUnit.SECONDS);
                Map<String, Long> fields = new HashMap<>();
                raw.forEach((k, v) -> {
                    try {
                        fields.put(k, Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        // a field this version does not know; ignored
                    }
                });
                out.add(new MetricsSecond(s++, 1, fields));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted while reading metrics from Redis at " + link.safeUrl());
        } catch (Exception e) {
            throw new ControlException("Redis at " + link.safeUrl() + ": reading metrics of " + keys.prefix()
                    + " failed: " + RedisLink.describe(e), e);
        }
        return out;
    }

    /** The sum over [fromSecond, toSecond) (counters added, gauges at their maximum). */
    public MetricsSecond total(long fromSecond, long toSecond) {
        return MetricsSecond.sum(fromSecond, (int) (toSecond - fromSecond), range(fromSecond, toSecond));
    }
}
