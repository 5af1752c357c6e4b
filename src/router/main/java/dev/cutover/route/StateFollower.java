package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.io.PrivateFiles;
import dev.cutover.pg.Sql;
import io.lettuce.core.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keeps the control state in memory: the change channel pushes each new state, a periodic
 * {@code MGET} catches anything missed, and a version check ignores older states arriving late.
 * {@link #state()} is a volatile read. When Redis cannot be read the last known state stays in
 * force and the follower reports itself degraded. The last state is also kept in a local file, so
 * a router that starts while Redis is down resumes the phase it last saw instead of guessing.
 */
final class StateFollower {
    private static final Logger LOG = LoggerFactory.getLogger(StateFollower.class);

    private final java.util.concurrent.atomic.LongAdder messages = new java.util.concurrent.atomic.LongAdder();
    private final ControlKeys keys;
    private final List<String> stateKeys;
    private final Path stateFile;
    private final String instanceId;
    private final Duration heartbeatTtl;
    private static final String HOST = host();
    private final java.util.function.Supplier<String> otherTrouble;
    private final java.util.function.ToLongFunction<ControlState> acked;
    private volatile ControlState state = ControlState.initial();
    private volatile String degradedReason = "not connected to redis yet";
    private ControlState suspectedReset;
    private volatile long appliedAtNanos;
    /** Saves the state file off the Redis client's event loop, newest state only. */
    private final java.util.concurrent.ExecutorService saver = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cutover-state-save");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code otherTrouble}: a degraded reason besides Redis (e.g. a database the mirror writes cannot
     * reach), or null; {@code acked}: the version the heartbeat acknowledges under the state in force
     * ({@link ControlKeys.Heartbeat#ACKED_VERSION}).
     */
    StateFollower(ControlKeys keys, Path stateFile, String instanceId, Duration heartbeatTtl,
                  java.util.function.Supplier<String> otherTrouble, java.util.function.ToLongFunction<ControlState> acked) {
        this.otherTrouble = otherTrouble;
        this.acked = acked;
        this.keys = keys;
        this.stateKeys = ControlStateCodec.keys(keys);
        this.stateFile = stateFile;
        this.instanceId = instanceId;
        this.heartbeatTtl = heartbeatTtl;
        // load the message parser now, not when the first change arrives
        ControlStateCodec.fromJson(ControlStateCodec.toJson(ControlState.initial()));
    }

    ControlState state() {
        return state;
    }

    /** {@link System#nanoTime()} when the current state was taken over. */
    long appliedAtNanos() {
        return appliedAtNanos;
    }

    /** Null when healthy, else why the router is degraded. */
    String degradedReason() {
        return degradedReason;
    }

    /** A state from the change channel. */
    void onMessage(String json) {
        try {
            apply(ControlStateCodec.fromJson(json));
        } catch (RuntimeException e) {
            LOG.warn("ignoring a bad message on {}: {}", keys.changes(), e.getMessage());
        } finally {
            messages.increment();
        }
    }

    /** Messages of the change channel handled so far (applied, ignored as older, or bad). */
    long messagesHandled() {
        return messages.sum();
    }

    /** Reads the state with one MGET and writes this router's heartbeat; false when Redis could not be read. */
    boolean refresh(RouterRedis redis) {
        if (!redis.ensureConnected()) {
            degrade("redis unreachable; serving the last known state (version " + state.version() + ")");
            return false;
        }
        try {
            List<KeyValue<String, String>> kv = redis.sync().mget(stateKeys.toArray(new String[0]));
            fromRedis(ControlStateCodec.fromValues(kv.stream().map(x -> x.hasValue() ? x.getValue() : null).toList()));
            if (degradedReason != null) {
                LOG.info("redis reachable again; control state version {}", state.version());
            }
            degradedReason = null;
            heartbeat(redis);
            return true;
        } catch (RuntimeException e) {
            degrade("cannot read the control state from redis (" + oneLine(e) + "); serving the last known state (version "
                    + state.version() + ")");
            return false;
        }
    }

    /** Loads the state saved by an earlier run, for a start while Redis is down. */
    void loadSaved() {
        try {
            if (Files.isRegularFile(stateFile)) {
                apply(ControlStateCodec.fromJson(Files.readString(stateFile, StandardCharsets.UTF_8)));
                LOG.warn("redis unreachable at start; using the control state saved in {} (version {})", stateFile,
                        state.version());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the saved control state {}: {}", stateFile, e.getMessage());
        }
    }

    void removeHeartbeat(RouterRedis redis) {
        try {
            if (redis.isOpen()) {
                redis.sync().del(keys.router(instanceId));
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot remove heartbeat: {}", e.getMessage());
        }
    }

    /**
     * A state read with MGET, which is authoritative: a newer version applies at once. A state
     * that is older than ours, or has our version with other values, means the control state in
     * Redis was reset (Redis lost its data and the control plane started again); it applies once
     * two reads in a row agree, so a read that merely crossed a newer change message is not
     * mistaken for a reset. Absent keys (version 0) never replace a known state.
     */
    private synchronized void fromRedis(ControlState s) {
        ControlState cur = state;
        if (s.version() > cur.version() || cur.version() == 0) {
            suspectedReset = null;
            apply(s);
            return;
        }
        if (s.version() == 0) {
            if (cur.version() > 0 && suspectedReset == null) {
                LOG.warn("the control state of {} is missing in redis; keeping the last known state (version {})",
                        keys.prefix(), cur.version());
            }
            suspectedReset = s;
            return;
        }
        if (s.equals(cur)) {
            suspectedReset = null;
            return;
        }
        if (s.equals(suspectedReset)) {
            LOG.warn("the control state in redis was reset (version {} after {}); following it", s.version(), cur.version());
            suspectedReset = null;
            state = s;
            saveLater();
            return;
        }
        suspectedReset = s;
    }

    private synchronized void apply(ControlState s) {
        ControlState cur = state;
        if (s.version() > cur.version() || (s.version() == cur.version() && !s.equals(cur) && cur.version() == 0)) {
            state = s;
            appliedAtNanos = System.nanoTime();
            saveLater();
            LOG.info("control state version {}: phase {}, writes {}, read_percent {}, shadow_sample_rate {}", s.version(),
                    s.phase().wireName(), s.writeTarget().wireName(), s.readPercent(), s.shadowSampleRate());
        }
    }

    private void saveLater() {
        try {
            saver.execute(() -> save(state));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Stops the saver after the last save. */
    void close() {
        saver.shutdown();
        try {
            saver.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void save(ControlState s) {
        try {
            // owner-only (0600 in a 0700 folder), replaced atomically: a temporary file of its own per
            // writer, so routers sharing the file never write into each other's
            PrivateFiles.writeAtomically(stateFile, ControlStateCodec.toJson(s));
        } catch (IOException e) {
            LOG.warn("cannot save the control state to {}: {}", stateFile, e.getMessage());
        }
    }

    private void heartbeat(RouterRedis redis) {
        String reason = otherTrouble.get();
        String key = keys.router(instanceId);
        ControlState s = state;
        long now = System.currentTimeMillis();
        Long created = redis.sync().hset(key, Map.of(ControlKeys.Heartbeat.VERSION, Long.toString(s.version()),
                ControlKeys.Heartbeat.ACKED_VERSION, Long.toString(acked.applyAsLong(s)),
                ControlKeys.Heartbeat.PHASE, s.phase().wireName(),
                ControlKeys.Heartbeat.DEGRADED, Boolean.toString(reason != null),
                ControlKeys.Heartbeat.REASON, reason == null ? "" : reason,
                ControlKeys.Heartbeat.AT, Long.toString(now),
                ControlKeys.Heartbeat.HOST, HOST));
        redis.sync().expire(key, heartbeatTtl.toSeconds());
        if (created != null && created > 0) {
            // the heartbeat key was new (this router's start, or Redis lost it): mark, without expiry, that a
            // router reported for this migration, so the phase guards never take it for a sync-only one
            try {
                redis.sync().hset(keys.routersSeen(), Map.of(ControlKeys.RoutersSeen.INSTANCE, instanceId,
                        ControlKeys.RoutersSeen.HOST, HOST, ControlKeys.RoutersSeen.AT, Long.toString(now)));
            } catch (RuntimeException e) {
                // e.g. NOPERM under a router ACL set before the mark: the heartbeat stands, the guards count it while it lives
                LOG.warn("cannot write {} ({}); give the router user the key (docs/security.md)", keys.routersSeen(), oneLine(e));
            }
        }
    }

    private void degrade(String reason) {
        if (degradedReason == null || !degradedReason.equals(reason)) {
            LOG.warn("router degraded: {}", reason);
        }
        degradedReason = reason;
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** One line for messages and the queue: {@link Sql#oneLine}, no row values, no passwords. */
    static String oneLine(Throwable e) {
        return Sql.oneLine(e);
    }
}
