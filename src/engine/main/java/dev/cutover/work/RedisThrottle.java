package dev.cutover.work;

import dev.cutover.control.ControlKeys.WorkThrottle;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The live throttle of a chunked job in Redis (hash {@code ControlKeys.workThrottle(job)}, fields
 * {@link WorkThrottle}): the console or a script sets the rows/s cap or pauses, and every worker
 * process applies what is set to its own {@link Throttle} about once a second. Fields that are
 * absent leave the process's own setting alone.
 */
public final class RedisThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(RedisThrottle.class);

    private RedisThrottle() {
    }

    /** Reads the hash at {@code key} and applies it; a Redis failure changes nothing (the next tick retries). */
    public static void apply(RedisCommands<String, String> redis, String key, Throttle throttle) {
        Map<String, String> h;
        try {
            h = redis.hgetall(key);
        } catch (RuntimeException e) {
            LOG.debug("cannot read the throttle from Redis: {}", e.getMessage());
            return;
        }
        apply(h, throttle);
    }

    /** Applies the hash's fields to {@code throttle}. */
    public static void apply(Map<String, String> h, Throttle throttle) {
        String cap = h.get(WorkThrottle.MAX_ROWS_PER_SEC);
        if (cap != null && !cap.isBlank()) {
            try {
                long n = Long.parseLong(cap.trim());
                if (n >= 0 && n != throttle.maxRowsPerSec()) {
                    LOG.info("rows/s cap set to {} from Redis", n);
                    throttle.setMaxRowsPerSec(n);
                }
            } catch (NumberFormatException e) {
                LOG.warn("ignoring {} = '{}' in the throttle hash: not a number", WorkThrottle.MAX_ROWS_PER_SEC, cap);
            }
        }
        String paused = h.get(WorkThrottle.PAUSED);
        if (paused != null) {
            boolean p = Boolean.parseBoolean(paused.trim());
            if (p != throttle.isPaused()) {
                if (p) {
                    throttle.pause();
                } else {
                    throttle.resume();
                }
            }
        }
    }
}
