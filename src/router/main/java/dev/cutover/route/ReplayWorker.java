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

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Replays the failed-write queue: reads entries with a consumer group ({@link #GROUP}; each router
 * instance is one consumer), re-syncs each key from the side that was the source of truth when
 * its write was made — forward (old → new) for a write made under dual_write, reverse for one
 * made under new_primary, whatever the phase when it is replayed (an entry without its write
 * target, from an older router: the current phase's truth) — then XACK + XDEL. Replay order
 * cannot resurrect stale data: every re-sync copies the truth row as it is at replay time. An entry that fails stays pending and is retried; entries left
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

    /**
     * Replays entries in order, each run of consecutive entries of one table as one batched re-sync
     * (one read of the truth and one write per {@link dev.cutover.sync.RowSync} batch, one XACK and
     * one XDEL for the run, instead of a round trip of each per entry: under load the queue drains
     * at hundreds of keys a second, not tens). Order between keys does not matter, since every
     * re-sync reads the truth as it is now; the order of runs is kept all the same. Stops at the
     * first run that fails: its entries stay pending and are retried.
     */
    private boolean replay(RedisCommands<String, String> r, List<StreamMessage<String, String>> entries) {
        ControlState now = state.get();
        int i = 0;
        while (i < entries.size()) {
            String table = table(entries.get(i));
            Direction d = direction(entries.get(i), now);
            List<String> ids = new ArrayList<>();
            List<List<String>> keys = new ArrayList<>();
            long at = 0;
            int j = i;
            for (; j < entries.size() && Objects.equals(table(entries.get(j)), table) && direction(entries.get(j), now) == d; j++) {
                StreamMessage<String, String> m = entries.get(j);
                if (table == null) {
                    ids.add(m.getId()); // an empty entry: nothing to replay
                    continue;
                }
                FailedWrite w = FailedWrite.fromFields(m.getBody());
                try {
                    keys.add(resync.keyValues(w.table(), w.key(), d));
                    ids.add(m.getId());
                    at = Math.max(at, w.at());
                } catch (SQLException e) {
                    return fail(w.table(), w.key(), d, e); // the catalogs could not be read: retry later
                } catch (IllegalArgumentException | IllegalStateException e) {
                    // the entry can never be replayed (table not in the plan, malformed key): say so and drop it
                    LOG.error("cannot replay failed write {} of {} {}: {}; removed from the queue, run `cutover repair`",
                            m.getId(), w.table(), w.key(), e.getMessage());
                    done(r, List.of(m.getId()));
                }
            }
            if (!keys.isEmpty()) {
                try {
                    resync.resync(table, keys, d);
                } catch (Exception e) {
                    return fail(table, KeyResync.describe(keys), d, e);
                }
                lastError = null;
                replayed.add(keys.size());
                onReplayed.accept(d);
                if (at > 0) {
                    metrics.replayLagMs(Math.max(0, System.currentTimeMillis() - at));
                }
            }
            done(r, ids);
            i = j;
        }
        return true;
    }

    /**
     * The direction an entry is replayed in: from the side that was the truth when its write was
     * made (old for a write made under dual_write, new under new_primary), whatever the phase in
     * force now; an entry that does not say (written by a router before the field) from the truth
     * of the phase in force, as before.
     */
    static Direction direction(StreamMessage<String, String> m, ControlState now) {
        Map<String, String> body = m.getBody();
        if (body != null) {
            String wt = body.get(ControlKeys.FailedWrite.WRITE_TARGET);
            if (wt != null && !wt.isEmpty()) {
                Direction own = FailedWrite.fromFields(body).direction();
                if (own != null) {
                    return own;
                }
            }
        }
        return direction(now);
    }

    private static String table(StreamMessage<String, String> m) {
        return m.getBody() == null || m.getBody().isEmpty() ? null : m.getBody().getOrDefault(ControlKeys.FailedWrite.TABLE, "");
    }

    private void done(RedisCommands<String, String> r, List<String> ids) {
        if (!ids.isEmpty()) {
            String[] a = ids.toArray(String[]::new);
            r.xack(keys.failedWrites(), GROUP, a);
            r.xdel(keys.failedWrites(), a);
        }
    }

    private boolean fail(String table, String what, Direction d, Exception e) {
        failures.increment();
        String msg = StateFollower.oneLine(e);
        if (!msg.equals(lastError)) {
            LOG.warn("replay of {} {} ({}) failed, will retry: {}", table, what, d, msg);
        }
        lastError = msg;
        return false;
    }
}
