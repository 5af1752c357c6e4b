package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.SeenRoutingKeys;
import dev.cutover.control.WriteTarget;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The router applications embed (docs/router.md): every read and write of the application goes
 * through it, and it turns the migration's control state into behaviour — which database a write
 * goes to first, whether it is mirrored, which side serves a read, which reads are shadowed.
 *
 * <pre>
 * Router router = Router.builder()
 *     .oldDataSource(oldPool).newDataSource(newPool)
 *     .redis("redis://127.0.0.1:6379").plan(PlanFile.read(Path.of("plan.json")))
 *     .build();
 * List&lt;Map&lt;String, Object&gt;&gt; rows = router.read(listOrders, tenantId, tenantId);
 * router.write(placeOrder, tenantId, orderId, tenantId, amount);
 * </pre>
 *
 * Nothing on the request path waits for Redis: the state is a volatile read, mirror writes and
 * shadow reads run on the router's own threads, failed mirror writes are queued asynchronously
 * (or spilled to a local file) and replayed by key from the source of truth.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final DataSource oldDs;
    private final DataSource newDs;
    private final Plan plan;
    private final ControlKeys keys;
    private final String instanceId;
    private final Duration shutdownTimeout;
    private final RouterRedis redis;
    private final StateFollower follower;
    private final RouterMetrics metrics;
    private final SpillFile spill;
    private final FailedWriteQueue queue;
    private final KeyResync resync;
    private final MirrorWriter mirrors;
    private final MirrorLanes<MirrorWriter.Mirror> lanes;
    private final ShadowReader shadow;
    private final ReplayWorker replay;
    private final ScheduledExecutorService tick;
    private final ScheduledExecutorService replayThread;
    private final ExecutorService spillThread;
    private final SeenKeys seenKeys = new SeenKeys();
    private final Duration seenKeysInterval;
    private long seenKeysSentAt = System.nanoTime();
    private volatile boolean closed;
    private volatile long ackedVersion;

    private Router(Builder b) {
        this.oldDs = b.oldDs;
        this.newDs = b.newDs;
        this.plan = b.plan;
        this.keys = new ControlKeys(b.migration);
        this.instanceId = b.instanceId;
        this.shutdownTimeout = b.shutdownTimeout;
        this.seenKeysInterval = b.seenKeysInterval;
        Path spillDir = b.spillDir != null ? b.spillDir
                : Path.of(System.getProperty("java.io.tmpdir"), "cutover-spill", b.migration.replaceAll("[^A-Za-z0-9._-]", "_"));
        this.metrics = new RouterMetrics(b.redisUrl, keys);
        this.follower = new StateFollower(keys, spillDir.resolve("state.json"), instanceId, b.refresh.multipliedBy(10),
                this::otherTrouble, this::acknowledged);
        this.redis = new RouterRedis(b.redisUrl, b.redisTimeout, keys.changes(), follower::onMessage);
        this.spill = new SpillFile(spillDir, instanceId);
        this.spillThread = Executors.newSingleThreadExecutor(daemon("cutover-spill"));
        this.queue = new FailedWriteQueue(keys, redis, spill, spillThread);
        this.resync = new KeyResync(plan, oldDs, newDs);
        this.mirrors = new MirrorWriter(oldDs, newDs, resync, queue, metrics, b.downBackoff);
        this.lanes = new MirrorLanes<>(b.mirrorThreads, b.mirrorQueue, b.mirrorBatch, mirrors::run);
        this.shadow = new ShadowReader(oldDs, newDs, metrics, this::storeSample, b.recheckDelay, b.shadowThreads,
                b.shadowMaxInFlight, b.aaMode);
        this.replay = b.replay ? new ReplayWorker(keys, redis, resync, follower::state, metrics, instanceId,
                mirrors::up) : null;
        if (!follower.refresh(redis)) {
            follower.loadSaved();
        } else {
            metrics.ensureOpen();
        }
        this.tick = Executors.newSingleThreadScheduledExecutor(daemon("cutover-router-tick"));
        tick.scheduleWithFixedDelay(this::tick, b.refresh.toMillis(), b.refresh.toMillis(), TimeUnit.MILLISECONDS);
        this.replayThread = Executors.newSingleThreadScheduledExecutor(daemon("cutover-replay"));
        if (replay != null) {
            replayThread.scheduleWithFixedDelay(this::replayRound, 0, b.replayInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("router {} for migration {} started: {}", instanceId, b.migration, describe(follower.state()));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- request path

    /**
     * Runs a read on the side the control state chooses for this routing key (null: none, the
     * choice is then per request) and returns its rows, mapped by the op's mapper. A sampled share
     * also runs on the other side, off the caller's path, and is compared.
     */
    public <T> List<T> read(ReadOp<T> op, Object routingKey, Object... params) throws SQLException {
        checkOpen();
        ControlState s = follower.state();
        boolean toNew = readsNew(s, routingKey);
        seenKeys.record(routingKey);
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows;
        try {
            rows = Rows.query(toNew ? newDs : oldDs, op.sql(toNew), params);
        } catch (SQLException | RuntimeException e) {
            metrics.read(toNew, (System.nanoTime() - t0) / 1000, true);
            throw e;
        }
        long us = (System.nanoTime() - t0) / 1000;
        metrics.read(toNew, us, false);
        if (toNew) {
            rows = new ArrayList<>(rows.stream().map(op::shapeNew).toList());
        }
        if (shadows(s)) {
            shadow.submit(op, params.clone(), toNew, List.copyOf(rows), us);
        }
        if (!op.mapsRows()) {
            @SuppressWarnings("unchecked")
            List<T> same = (List<T>) rows;
            return same;
        }
        List<T> out = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            out.add(op.mapRow(r));
        }
        return out;
    }

    /**
     * Runs a write where the control state sends it: old ({@code old_only}), old then mirrored to
     * new ({@code dual_write}), new then mirrored to old ({@code new_primary}), new ({@code new_only}).
     * The caller waits only for the first side; a mirror write that fails never fails the caller —
     * its keys are queued for replay. The routing key is used to order mirrors of writes whose
     * key is unknown; rows of a RETURNING clause come back in the result.
     */
    public WriteResult write(WriteOp op, Object routingKey, Object... params) throws SQLException {
        checkOpen();
        op.validate();
        resync.mapping(op.table());
        ControlState s = follower.state();
        boolean mirrored = mirrored(s.writeTarget());
        while (mirrored) {
            // held under the version in force, checked after holding: a heartbeat that acknowledges
            // a newer version (nothing older held) cannot miss this write's mirror
            mirrors.hold(s.version());
            ControlState now = follower.state();
            if (now.version() == s.version()) {
                break;
            }
            mirrors.release(s.version());
            s = now;
            mirrored = mirrored(s.writeTarget());
        }
        WriteTarget wt = s.writeTarget();
        boolean primaryNew = wt == WriteTarget.NEW_PRIMARY || wt == WriteTarget.NEW_ONLY;
        boolean handedOver = false;
        try {
            if (!mirrors.awaitNonePendingTo(primaryNew, shutdownTimeout)) {
                LOG.error("router {}: mirror writes to the {} database made before the write target changed to {} were still "
                        + "running after {} s; writes go first to it now, and a row such a mirror touches later may hold an older "
                        + "value there: run `cutover verify` and `cutover repair`", instanceId, primaryNew ? "new" : "old",
                        wt.wireName(), shutdownTimeout.toSeconds());
            }
            Rows.Written w = Rows.write(primaryNew ? newDs : oldDs, op.sql(primaryNew), params);
            if (mirrored) {
                mirror(op, routingKey, params.clone(), w, primaryNew, s);
                handedOver = true;
            }
            return new WriteResult(w.affected(), w.returned());
        } finally {
            if (mirrored && !handedOver) {
                mirrors.release(s.version());
            }
        }
    }

    private static boolean mirrored(WriteTarget wt) {
        return wt == WriteTarget.DUAL_WRITE || wt == WriteTarget.NEW_PRIMARY;
    }

    /** What a write did on the first side: rows affected, and the rows it returned (RETURNING). */
    public record WriteResult(long affected, List<Map<String, Object>> returned) {
    }

    /** The routing decision for a read under the current state: true when it goes to the new database. */
    public boolean readsNew(Object routingKey) {
        return readsNew(follower.state(), routingKey);
    }

    private static boolean readsNew(ControlState s, Object routingKey) {
        return switch (s.writeTarget()) {
            case OLD_ONLY -> false;
            case NEW_PRIMARY, NEW_ONLY -> true;
            case DUAL_WRITE -> StickySplit.readsNew(s.routingSalt(), routingKey == null ? null : routingKey.toString(),
                    s.readPercent());
        };
    }

    private boolean shadows(ControlState s) {
        double rate = s.shadowSampleRate();
        if (rate <= 0) {
            return false;
        }
        boolean bothSidesLive = s.writeTarget() == WriteTarget.DUAL_WRITE || s.writeTarget() == WriteTarget.NEW_PRIMARY;
        return (shadow.isAa() || bothSidesLive) && (rate >= 1.0 || ThreadLocalRandom.current().nextDouble() < rate);
    }

    // ---------------------------------------------------------------- mirror writes

    private void mirror(WriteOp op, Object routingKey, Object[] params, Rows.Written primary, boolean primaryNew,
                        ControlState s) {
        TableMapping m = resync.mapping(op.table());
        String table = m.target().table();
        List<List<Object>> written = writtenKeys(op, params, primary, primaryNew);
        MirrorWriter.Mirror task = mirrors.task(op, table, params, primary.affected(), written, !primaryNew, s);
        int hash = written.isEmpty() ? Objects.hashCode(routingKey) : KeyResync.keyHash(written.get(0));
        if (!lanes.submit(hash, task)) {
            task.giveUp("mirror executor full (" + lanes.backlog() + " waiting)");
        }
    }

    /** The key values of the rows a write touched (their JSON is made only if the mirror needs it, off the caller's path). */
    private List<List<Object>> writtenKeys(WriteOp op, Object[] params, Rows.Written w, boolean primaryNew) {
        int[] pos = op.keyParamPositions();
        if (pos.length > 0) {
            List<Object> values = new ArrayList<>(pos.length);
            for (int p : pos) {
                if (p > params.length) {
                    throw new IllegalStateException("write " + op.name() + ": key parameter " + p + " but only "
                            + params.length + " parameter(s) given");
                }
                values.add(params[p - 1]);
            }
            resync.checkKey(op.table(), values);
            return List.of(values);
        }
        List<List<Object>> out = new ArrayList<>(w.returned().size());
        for (Map<String, Object> row : w.returned()) {
            List<Object> k = resync.keyOfRow(op.table(), row, primaryNew);
            if (k == null) {
                LOG.error("write {} returned no key columns {} of table {}; its mirror cannot be queued by key if it fails",
                        op.name(), primaryNew ? resync.targetKey(op.table()) : resync.mapping(op.table()).key(),
                        op.table());
                return List.of();
            }
            out.add(k);
        }
        return out;
    }

    // ---------------------------------------------------------------- background

    private void tick() {
        try {
            if (follower.refresh(redis)) {
                queue.drainSpill();
                metrics.ensureOpen();
                if (replay == null) {
                    long depth = queue.depth();
                    if (depth >= 0) {
                        metrics.queueDepth(depth);
                    }
                }
                if (System.nanoTime() - seenKeysSentAt >= seenKeysInterval.toNanos()) {
                    seenKeysSentAt = System.nanoTime();
                    sendSeenKeys();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("router tick: {}", e.getMessage());
        } catch (Error e) {
            survive("router tick", e);
        }
    }

    private void replayRound() {
        try {
            while (!closed && replay.runOnce() > 0) {
                // keep going while there is work
            }
        } catch (RuntimeException e) {
            LOG.debug("replay round: {}", e.getMessage());
        } catch (Error e) {
            survive("replay round", e);
        }
    }

    /**
     * A periodic task must not let an Error out: the executor would cancel it silently, and a
     * router whose replay has stopped for good looks healthy. (Seen for real: pgjdbc before
     * 42.7.13 throws an AssertionError from executeBatch under {@code -ea} when the connection dies
     * mid-batch, pgjdbc #1458.) The JVM's own errors still propagate.
     */
    private static void survive(String what, Error e) {
        if (e instanceof VirtualMachineError) {
            throw e;
        }
        LOG.error("{} failed, will run again: {}", what, e.toString(), e);
    }

    /** Sends the routing keys served since the last report (tick thread, close, tests). */
    int sendSeenKeys() {
        return seenKeys.flush(redis.sync(), keys, follower.state().routingSalt(), System.currentTimeMillis());
    }

    private void storeSample(String json) {
        if (redis.isOpen()) {
            MismatchSamples.push(redis.sync(), keys, json);
        }
    }

    /**
     * The version this router acknowledges under the state in force (its heartbeat's
     * {@code acked_version}): that state's, once no write made under an older version still has a
     * mirror to run or a failed-write entry on its way, and the spill file is empty; else the last
     * one acknowledged. Called by the heartbeat, after the spill was drained on the previous tick.
     */
    private long acknowledged(ControlState s) {
        if (!mirrors.olderPending(s.version()) && spill.isEmpty()) {
            ackedVersion = s.version();
        }
        return ackedVersion;
    }

    private String otherTrouble() {
        String m = mirrors.trouble();
        if (m != null) {
            return m;
        }
        return spill.isEmpty() ? null : "failed writes waiting in the spill file " + spill.path();
    }

    // ---------------------------------------------------------------- state and status

    /** The control state in force (a memory read). */
    public ControlState state() {
        return follower.state();
    }

    /** True when Redis cannot be read (the last known state is in force) or mirror writes are failing. */
    public boolean isDegraded() {
        return degradedReason().isPresent();
    }

    public Optional<String> degradedReason() {
        String r = follower.degradedReason();
        return Optional.ofNullable(r != null ? r : otherTrouble());
    }

    public String instanceId() {
        return instanceId;
    }

    public ControlKeys keys() {
        return keys;
    }

    /** Messages of the change channel this router has handled (for tests that must know one arrived). */
    long controlMessagesHandled() {
        return follower.messagesHandled();
    }

    /** Counters since start, for logs and health endpoints. */
    public record Stats(long mirrored, long mirrorFailures, long queued, long spilled, long replayed, long shadowCompared,
                        long shadowMismatches, long shadowRecheckCleared, long shadowSkipped, long shadowErrors,
                        long shadowRechecks) {
    }

    public Stats stats() {
        return new Stats(mirrors.mirrored.sum(), mirrors.failures.sum(), queue.queued.sum(), queue.spilled.sum(),
                replay == null ? 0 : replay.replayed.sum(), shadow.compared.sum(), shadow.mismatches.sum(),
                shadow.recheckCleared.sum(), shadow.skipped.sum(), shadow.errors.sum(), shadow.rechecks.sum());
    }

    /**
     * Waits until the mirror writes and shadow comparisons accepted so far have run and their
     * failed writes are queued (or spilled); false on timeout.
     */
    public boolean awaitQuiet(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        // the lanes first: a mirror that fails queues its entry before it counts as finished, and
        // a shadow comparison adds no mirror, so each count is zero for good once waited out
        if (!lanes.awaitFinished(timeout) || !shadow.awaitIdle(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
            return false;
        }
        queue.awaitPending(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        return true;
    }

    /** {@link System#nanoTime()} when the state in force was taken over (for measuring propagation). */
    long stateAppliedAtNanos() {
        return follower.appliedAtNanos();
    }

    /**
     * Stops the router: no new reads or writes; waits up to the shutdown timeout for pending mirror
     * writes and shadow comparisons; mirror writes that did not run are queued (or spilled);
     * metrics are flushed and the heartbeat removed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<MirrorWriter.Mirror> left = lanes.shutdown(shutdownTimeout);
        for (MirrorWriter.Mirror t : left) {
            t.giveUp("router shut down before the mirror write ran");
        }
        if (!left.isEmpty()) {
            LOG.warn("router {} queued {} mirror writes that had not run at shutdown", instanceId, left.size());
        }
        shadow.shutdown(shutdownTimeout);
        replayThread.shutdown();
        try {
            replayThread.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tick.shutdown();
        try {
            tick.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.awaitPending(shutdownTimeout);
        spillThread.shutdown();
        try {
            spillThread.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (redis.isOpen()) {
                queue.drainSpill();
                sendSeenKeys();
                follower.removeHeartbeat(redis);
            }
        } catch (RuntimeException e) {
            LOG.debug("final flush: {}", e.getMessage());
        }
        metrics.close();
        redis.close();
        follower.close();
        spill.close();
        LOG.info("router {} stopped: {}", instanceId, stats());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("router " + instanceId + " is closed");
        }
    }

    private static String describe(ControlState s) {
        return "phase " + s.phase().wireName() + ", writes " + s.writeTarget().wireName() + ", read_percent "
                + s.readPercent() + ", shadow_sample_rate " + s.shadowSampleRate() + ", version " + s.version();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link Router}; old and new data sources, Redis and the plan are required. */
    public static final class Builder {
        private DataSource oldDs;
        private DataSource newDs;
        private String redisUrl;
        private String migration;
        private Plan plan;
        private String instanceId;
        private Path spillDir;
        private Duration refresh = Duration.ofSeconds(1);
        private Duration redisTimeout = Duration.ofSeconds(1);
        private Duration recheckDelay = Duration.ofMillis(250);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Duration downBackoff = Duration.ofSeconds(1);
        private Duration replayInterval = Duration.ofMillis(250);
        private Duration seenKeysInterval = SeenRoutingKeys.FLUSH_INTERVAL;
        private int mirrorThreads = 4;
        private int mirrorQueue = 10_000;
        private int mirrorBatch = 64;
        private int shadowThreads = 2;
        private int shadowMaxInFlight = 1_000;
        private boolean aaMode;
        private boolean replay = true;

        private Builder() {
        }

        public Builder oldDataSource(DataSource ds) {
            this.oldDs = ds;
            return this;
        }

        public Builder newDataSource(DataSource ds) {
            this.newDs = ds;
            return this;
        }

        /** {@code redis://host:port} or {@code rediss://} for TLS. */
        public Builder redis(String url) {
            this.redisUrl = url;
            return this;
        }

        /** The migration name; defaults to the plan's name. */
        public Builder migration(String name) {
            this.migration = name;
            return this;
        }

        /** The plan: table keys for queueing failed writes and mappings for replay. */
        public Builder plan(Plan plan) {
            this.plan = plan;
            return this;
        }

        /** This router's name in heartbeats and in the replay consumer group; defaults to host-pid-random. */
        public Builder instanceId(String id) {
            this.instanceId = id;
            return this;
        }

        /** Where failed writes are spilled while Redis is down (default {@code java.io.tmpdir/cutover-spill/<migration>}). */
        public Builder spillDirectory(Path dir) {
            this.spillDir = dir;
            return this;
        }

        /** How often the state is re-read from Redis (and the heartbeat and metrics written); default 1 s. */
        public Builder refreshInterval(Duration d) {
            this.refresh = positive(d, "refreshInterval");
            return this;
        }

        /** Timeout of each Redis command, off the request path; default 1 s. */
        public Builder redisTimeout(Duration d) {
            this.redisTimeout = positive(d, "redisTimeout");
            return this;
        }

        /** Delay before a shadow-read difference is re-checked; default 250 ms. */
        public Builder recheckDelay(Duration d) {
            this.recheckDelay = Objects.requireNonNull(d, "recheckDelay");
            return this;
        }

        /** How long {@link Router#close()} waits for pending work; default 10 s. */
        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = Objects.requireNonNull(d, "shutdownTimeout");
            return this;
        }

        /** After a connection failure, mirror writes to that database are queued without trying for this long; default 1 s. */
        public Builder unreachableBackoff(Duration d) {
            this.downBackoff = Objects.requireNonNull(d, "unreachableBackoff");
            return this;
        }

        /** Mirror-write lanes (threads) and the queue capacity of each; defaults 4 and 10,000. */
        public Builder mirrorThreads(int threads, int queuePerThread) {
            if (threads < 1 || queuePerThread < 1) {
                throw new IllegalArgumentException("mirrorThreads needs at least 1 thread and a queue of 1");
            }
            this.mirrorThreads = threads;
            this.mirrorQueue = queuePerThread;
            return this;
        }

        /**
         * The most mirror writes a lane runs in one transaction when they have queued up behind each
         * other (a backlog; one at a time otherwise); default 64, 1 for a transaction per write.
         */
        public Builder mirrorBatch(int maxWritesPerTransaction) {
            if (maxWritesPerTransaction < 1) {
                throw new IllegalArgumentException("mirrorBatch needs at least 1 write per transaction");
            }
            this.mirrorBatch = maxWritesPerTransaction;
            return this;
        }

        /** Shadow-read threads and the most comparisons waiting at once; defaults 2 and 1,000. */
        public Builder shadowThreads(int threads, int maxInFlight) {
            if (threads < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("shadowThreads needs at least 1 thread and 1 comparison in flight");
            }
            this.shadowThreads = threads;
            this.shadowMaxInFlight = maxInFlight;
            return this;
        }

        /** A/A mode: shadow reads compare the old database with itself, measuring the comparison's own noise. */
        public Builder aaMode(boolean on) {
            this.aaMode = on;
            return this;
        }

        /** Whether this router replays the failed-write queue (default true; any number of routers may). */
        public Builder replay(boolean on) {
            this.replay = on;
            return this;
        }

        Builder replayInterval(Duration d) {
            this.replayInterval = positive(d, "replayInterval");
            return this;
        }

        /** How often the routing keys served are reported (default {@link SeenRoutingKeys#FLUSH_INTERVAL}). */
        Builder seenKeysInterval(Duration d) {
            this.seenKeysInterval = positive(d, "seenKeysInterval");
            return this;
        }

        public Router build() {
            if (oldDs == null || newDs == null) {
                throw new IllegalArgumentException("the router needs both data sources (oldDataSource and newDataSource)");
            }
            if (redisUrl == null || redisUrl.isBlank()) {
                throw new IllegalArgumentException("the router needs the Redis URL of the control state (redis(url))");
            }
            if (plan == null) {
                throw new IllegalArgumentException("the router needs the migration plan (plan(...)) to queue and replay "
                        + "failed mirror writes by key");
            }
            if (migration == null) {
                migration = plan.name();
            }
            if (instanceId == null) {
                instanceId = defaultInstanceId();
            }
            return new Router(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        private static String defaultInstanceId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "host";
            }
            return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
        }
    }
}
