package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.WriteTarget;
import dev.cutover.sql.Direction;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Replays the failed-write queue: reads entries with a consumer group ({@link #GROUP}; each router
 * instance is one consumer), re-syncs each key from the source of truth of the current phase —
 * forward (old → new) before new_primary, reverse from it on, so replay order cannot resurrect
 * stale data — then XACK + XDEL. An entry that fails stays pending and is retried; entries left
 * pending by a dead router are taken over with XAUTOCLAIM after {@link #CLAIM_IDLE}.
 */
final class ReplayWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayWorker.class);
    static final String GROUP = "replay";
    static final Duration CLAIM_IDLE = Duration.ofSeconds(30);
    private static final int BATCH = 100;

    private final ControlKeys keys;
    private final RouterRedis redis;
    private final KeyResync resync;
    private final Supplier<ControlState> state;
    private final RouterMetrics metrics;
    private final Consumer<String> consumer;
    private final java.util.function.Consumer<Direction> onReplayed;
    private boolean groupReady;
    private long nextClaim;
    final LongAdder replayed = new LongAdder();
    final LongAdder failures = new LongAdder();
    private volatile String lastError;

    ReplayWorker(ControlKeys keys, RouterRedis redis, KeyResync resync, Supplier<ControlState> state, RouterMetrics metrics,
                 String instanceId, java.util.function.Consumer<Direction> onReplayed) {
        this.onReplayed = onReplayed;
        this.keys = keys;
        this.redis = redis;
        this.resync = resync;
        this.state = state;
        this.metrics = metrics;
        this.consumer = Consumer.from(GROUP, instanceId);
    }

    /** The direction replay runs in under a state: from the truth side. */
    static Direction direction(ControlState s) {
        boolean newIsTruth = s.phase().newIsTruth() || s.writeTarget() == WriteTarget.NEW_PRIMARY
                || s.writeTarget() == WriteTarget.NEW_ONLY;
        return newIsTruth ? Direction.REVERSE : Direction.FORWARD;
    }

    /** One round: own pending entries, new entries, now and then abandoned ones. Returns how many were replayed. */
    @SuppressWarnings("unchecked")
    int runOnce() {
        if (!redis.isOpen()) {
            return 0;
        }
        RedisCommands<String, String> r = redis.sync();
        try {
            if (!groupReady) {
                try {
                    r.xgroupCreate(XReadArgs.StreamOffset.from(keys.failedWrites(), "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
                } catch (RedisBusyException e) {
                    // the group exists
                }
                groupReady = true;
            }
            // idle rounds (the usual case) cost one command: no entry in the stream means none of
            // ours is pending and none is left to take over (replayed entries are acked, then deleted)
            long depth = r.xlen(keys.failedWrites());
            metrics.queueDepth(depth);
            if (depth == 0) {
                return 0;
            }
            int done = 0;
            List<StreamMessage<String, String>> own = r.xreadgroup(consumer, XReadArgs.Builder.count(BATCH),
                    XReadArgs.StreamOffset.from(keys.failedWrites(), "0"));
            if (!replay(r, own)) {
                return done;
            }
            done += own.size();
            List<StreamMessage<String, String>> fresh = r.xreadgroup(consumer, XReadArgs.Builder.count(BATCH),
                    XReadArgs.StreamOffset.lastConsumed(keys.failedWrites()));
            if (!replay(r, fresh)) {
                return done;
            }
            done += fresh.size();
            if (System.currentTimeMillis() >= nextClaim) {
                nextClaim = System.currentTimeMillis() + CLAIM_IDLE.toMillis() / 3;
                var claimed = r.xautoclaim(keys.failedWrites(), XAutoClaimArgs.Builder.xautoclaim(consumer, CLAIM_IDLE, "0-0")
                        .count(BATCH));
                if (claimed != null && !claimed.getMessages().isEmpty()) {
                    LOG.info("took over {} failed writes left pending by another router", claimed.getMessages().size());
                    if (replay(r, claimed.getMessages())) {
                        done += claimed.getMessages().size();
                    }
                }
            }
            if (done > 0) {
                metrics.queueDepth(r.xlen(keys.failedWrites()));
            }
            return done;
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains("NOGROUP")) {
                groupReady = false;
            }
            LOG.debug("replay round stopped: {}", e.getMessage());
            return 0;
        }
    }

    /** Replays entries in order; stops at the first that fails (it stays pending). */
    private boolean replay(RedisCommands<String, String> r, List<StreamMessage<String, String>> entries) {
        for (StreamMessage<String, String> m : entries) {
            if (m.getBody() == null || m.getBody().isEmpty()) {
                r.xack(keys.failedWrites(), GROUP, m.getId());
                r.xdel(keys.failedWrites(), m.getId());
                continue;
            }
            FailedWrite w = FailedWrite.fromFields(m.getBody());
            Direction d = direction(state.get());
            try {
                resync.resync(w.table(), w.key(), d);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // the entry can never be replayed (table not in the plan, malformed key): say so and drop it
                LOG.error("cannot replay failed write {} of {} {}: {}; removed from the queue, run `cutover repair`",
                        m.getId(), w.table(), w.key(), e.getMessage());
                r.xack(keys.failedWrites(), GROUP, m.getId());
                r.xdel(keys.failedWrites(), m.getId());
                continue;
            } catch (Exception e) {
                failures.increment();
                String msg = StateFollower.oneLine(e);
                if (!msg.equals(lastError)) {
                    LOG.warn("replay of {} {} ({}) failed, will retry: {}", w.table(), w.key(), d, msg);
                }
                lastError = msg;
                return false;
            }
            lastError = null;
            r.xack(keys.failedWrites(), GROUP, m.getId());
            r.xdel(keys.failedWrites(), m.getId());
            replayed.increment();
            onReplayed.accept(d);
            if (w.at() > 0) {
                metrics.replayLagMs(Math.max(0, System.currentTimeMillis() - w.at()));
            }
        }
        return true;
    }
}
