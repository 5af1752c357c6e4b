package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * The durable queue of failed mirror writes: entries of the Redis stream
 * {@link ControlKeys#failedWrites()}, or, while Redis cannot take them, lines of the local
 * {@link SpillFile}. {@link #enqueue} never waits for Redis: the XADD is asynchronous and a
 * failure moves the entry to the spill file on the spill thread. No entry is dropped.
 */
final class FailedWriteQueue {
    private static final Logger LOG = LoggerFactory.getLogger(FailedWriteQueue.class);

    private final ControlKeys keys;
    private final RouterRedis redis;
    private final SpillFile spill;
    private final ExecutorService spillThread;
    private final InFlight inFlight = new InFlight();
    final LongAdder queued = new LongAdder();
    final LongAdder spilled = new LongAdder();

    FailedWriteQueue(ControlKeys keys, RouterRedis redis, SpillFile spill, ExecutorService spillThread) {
        this.keys = keys;
        this.redis = redis;
        this.spill = spill;
        this.spillThread = spillThread;
    }

    /**
     * Queues the entry; the future completes once it is in the stream or the spill file (or,
     * the last resort, logged as lost), never exceptionally.
     */
    CompletableFuture<Void> enqueue(FailedWrite w) {
        CompletableFuture<Void> landed = new CompletableFuture<>();
        RedisAsyncCommands<String, String> async = redis.isOpen() ? redis.async() : null;
        if (async == null) {
            spillLater(w, "redis unreachable", landed);
            return landed;
        }
        inFlight.increment();
        CompletableFuture<String> f;
        try {
            f = async.xadd(keys.failedWrites(), w.fields()).toCompletableFuture();
        } catch (RuntimeException e) {
            inFlight.decrement();
            spillLater(w, StateFollower.oneLine(e), landed);
            return landed;
        }
        f.whenComplete((id, err) -> {
            try {
                if (err == null) {
                    queued.increment();
                    landed.complete(null);
                } else {
                    spillLater(w, StateFollower.oneLine(err), landed);
                }
            } finally {
                inFlight.decrement();
            }
        });
        return landed;
    }

    private void spillLater(FailedWrite w, String why, CompletableFuture<Void> landed) {
        inFlight.increment();
        try {
            spillThread.execute(() -> {
                try {
                    spillNow(w, why);
                } finally {
                    inFlight.decrement();
                    landed.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrement();
            spillNow(w, why);
            landed.complete(null);
        }
    }

    private void spillNow(FailedWrite w, String why) {
        try {
            spill.append(w);
            spilled.increment();
            LOG.warn("failed mirror write of {} {} kept in {} ({})", w.table(), w.key(), spill.path(), why);
        } catch (RuntimeException e) {
            // the last resort: the log names the row so a repair can find it
            LOG.error("LOST QUEUE ENTRY: cannot queue or spill the failed mirror write of {} {}: {}", w.table(), w.key(),
                    e.getMessage());
        }
    }

    /** Moves spilled entries into the stream (Redis is reachable). */
    void drainSpill() {
        if (!redis.isOpen()) {
            return;
        }
        try {
            int n = spill.drain(w -> redis.sync().xadd(keys.failedWrites(), w.fields()));
            if (n > 0) {
                queued.add(n);
                LOG.info("moved {} spilled failed writes from {} to {}", n, spill.path(), keys.failedWrites());
            }
        } catch (RuntimeException e) {
            LOG.debug("spill not drained yet: {}", e.getMessage());
        }
    }

    /** Queue depth (XLEN); -1 when unknown. */
    long depth() {
        try {
            return redis.isOpen() ? redis.sync().xlen(keys.failedWrites()) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Waits for pending XADDs and spills to finish. */
    void awaitPending(Duration timeout) {
        if (!inFlight.awaitZero(timeout) && !Thread.currentThread().isInterrupted()) {
            LOG.warn("failed-write queue: {} entries still pending after {}", inFlight.get(), timeout);
        }
    }

    boolean spillEmpty() {
        return spill.isEmpty();
    }
}
