package dev.cutover.route;

import dev.cutover.control.ControlState;
import dev.cutover.control.WriteTarget;
import dev.cutover.pg.Sql;
import dev.cutover.sql.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Runs mirror writes on the second side, for the {@link MirrorLanes}: one at a time while writes
 * trickle in, and the run a lane finds queued behind the first in one transaction — each stretch
 * of the same statement sent as one JDBC batch — when writes come faster than one statement and
 * one commit each can follow (a saturated new database, or the backlog left by a pause). Nothing
 * is reordered: a lane runs its tasks in the order they were made.
 *
 * <p>A batch is all or nothing. When one of its statements fails (a duplicate key the replay put
 * there first, a missing parent), the transaction is rolled back and every write of it runs again
 * on its own, so only the failing one is queued for replay; when the connection fails, all of them
 * are queued. A write whose mirror changes another number of rows than the first side is queued
 * too, as alone (an UPDATE finding no row the backfill has not copied yet).
 */
final class MirrorWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorWriter.class);

    private final DataSource oldDs;
    private final DataSource newDs;
    private final KeyResync resync;
    private final FailedWriteQueue queue;
    private final RouterMetrics metrics;
    private final Duration downBackoff;
    private final SideHealth oldHealth = new SideHealth("old");
    private final SideHealth newHealth = new SideHealth("new");
    final LongAdder mirrored = new LongAdder();
    final LongAdder failures = new LongAdder();
    /** Mirrors made and not yet done (run or queued), by the side they write to. */
    private final InFlight pendingToNew = new InFlight();
    private final InFlight pendingToOld = new InFlight();
    /**
     * Writes with a mirror not yet done by the control-state version they were made under: held
     * from before the first side runs until the mirror ran or its failed-write entry is in the
     * stream or the spill file. A router acknowledges a version only when nothing older is held
     * ({@link #olderPending}), so a flip's wait cannot miss an entry still on its way.
     */
    private final Map<Long, AtomicLong> pendingByVersion = new ConcurrentHashMap<>();
    /** A wait in {@link #awaitNonePendingTo} ran out, and the mirrors it waited for have not all run since. */
    private volatile boolean waitRanOut;

    MirrorWriter(DataSource oldDs, DataSource newDs, KeyResync resync, FailedWriteQueue queue, RouterMetrics metrics,
                 Duration downBackoff) {
        this.oldDs = oldDs;
        this.newDs = newDs;
        this.resync = resync;
        this.queue = queue;
        this.metrics = metrics;
        this.downBackoff = downBackoff;
    }

    /**
     * Holds a write to be mirrored under {@code version} (before its first side runs): released by
     * its {@link Mirror} when done, or by {@link #release} if the write fails first.
     */
    void hold(long version) {
        pendingByVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
    }

    void release(long version) {
        AtomicLong n = pendingByVersion.get(version);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /**
     * True while a write made under a version below {@code version} still has its mirror to run
     * or its failed-write entry on the way to the stream. (Counts of older versions that reached 0
     * are dropped: a write holds its version only after checking it is still the one in force.)
     */
    boolean olderPending(long version) {
        boolean pending = false;
        for (Map.Entry<Long, AtomicLong> e : pendingByVersion.entrySet()) {
            if (e.getKey() < version) {
                if (e.getValue().get() > 0) {
                    pending = true;
                } else {
                    pendingByVersion.remove(e.getKey(), e.getValue());
                }
            }
        }
        return pending;
    }

    /**
     * The mirror of one write made under {@code state} (which it was {@linkplain #hold held} for);
     * {@code keyValues} the keys it wrote, queued if the mirror cannot run.
     */
    Mirror task(WriteOp op, String table, Object[] params, long primaryAffected, List<List<Object>> keyValues, boolean toNew,
                ControlState state) {
        (toNew ? pendingToNew : pendingToOld).increment();
        return new Mirror(op, table, params, primaryAffected, keyValues, toNew, state.version(), state.writeTarget());
    }

    /**
     * Waits, at most {@code limit}, until no mirror to that side made before is still to run: a
     * write about to go <em>first</em> to a side must not be overtaken there by an older write's
     * mirror. That happens only after the write target flipped (dual_write to new_primary, or
     * back): the mirrors of the writes made before, still in the lanes, would otherwise run after
     * the first writes of the new direction and put older values over them, and from then on
     * that side is the truth that replay and repair copy from. Without a flip nothing is pending
     * to the first side and this is one read. False when the wait ran out.
     */
    boolean awaitNonePendingTo(boolean newSide, Duration limit) {
        InFlight pending = newSide ? pendingToNew : pendingToOld;
        if (pending.get() == 0) {
            if (waitRanOut) {
                waitRanOut = false;
            }
            return true;
        }
        if (waitRanOut) {
            return true; // said once; writes don't each wait out the limit again
        }
        if (!pending.awaitZero(limit)) {
            waitRanOut = true;
            return false;
        }
        return true;
    }

    /** A side found reachable again (by the replay): mirrors to it are tried again at once. */
    void up(Direction d) {
        health(d == Direction.FORWARD).up();
    }

    /** What is wrong with the mirror writes now (the new side first), or null. */
    String trouble() {
        String n = newHealth.trouble();
        return n != null ? n : oldHealth.trouble();
    }

    /** Runs a lane's unit: one mirror alone, or several that {@linkplain Mirror#joins join} the first in one transaction. */
    void run(List<Mirror> unit) {
        if (unit.size() == 1) {
            unit.get(0).run();
        } else {
            together(unit);
        }
    }

    private SideHealth health(boolean toNew) {
        return toNew ? newHealth : oldHealth;
    }

    /** Plain mirrors to one side in one transaction; on a statement's error, each again alone. */
    private void together(List<Mirror> run) {
        boolean toNew = run.get(0).toNew;
        SideHealth health = health(toNew);
        String down = health.downReason();
        if (down != null) {
            run.forEach(m -> m.giveUp(down));
            return;
        }
        List<String> mismatch = new ArrayList<>(run.size());
        try (Connection c = (toNew ? newDs : oldDs).getConnection()) {
            c.setAutoCommit(false);
            try {
                int i = 0;
                while (i < run.size()) {
                    WriteOp op = run.get(i).op;
                    int j = i + 1;
                    while (j < run.size() && run.get(j).op == op) {
                        j++;
                    }
                    try (PreparedStatement ps = c.prepareStatement(op.sql(toNew))) {
                        for (Mirror m : run.subList(i, j)) {
                            Rows.bind(ps, m.params);
                            ps.addBatch();
                        }
                        long[] counts = ps.executeLargeBatch();
                        for (int k = i; k < j; k++) {
                            mismatch.add(run.get(k).mismatch(counts[k - i]));
                        }
                    }
                    i = j;
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException batchError) {
            SQLException e = cause(batchError);
            // the side is down for all of them; but a deadlock or a serialization failure is one
            // statement's, like any other error: each write again alone
            if (unreachable(e) && !Sql.state(e).startsWith("40")) {
                health.down(downBackoff, Sql.message(e));
                String why = Sql.message(e);
                run.forEach(m -> m.giveUp(why));
                return;
            }
            LOG.debug("a batch of {} mirror writes failed ({}); running them one by one", run.size(), Sql.message(e));
            run.forEach(Mirror::run);
            return;
        } catch (RuntimeException e) {
            String why = StateFollower.oneLine(e);
            run.forEach(m -> m.giveUp(why));
            return;
        }
        health.up();
        for (int k = 0; k < run.size(); k++) {
            if (mismatch.get(k) != null) {
                run.get(k).giveUp(mismatch.get(k));
            } else {
                run.get(k).succeeded();
            }
        }
    }

    /**
     * The error a batch failed on: the failing statement's own. A {@code BatchUpdateException}'s
     * message spells out the statement with its values, which must not end up in the failed-write
     * stream's {@code error} field.
     */
    private static SQLException cause(SQLException e) {
        SQLException next = e instanceof BatchUpdateException ? e.getNextException() : null;
        return next != null ? next : e;
    }

    /** A failure that makes the side count as down for a while (a lost connection, a server going away, a transient error). */
    private static boolean unreachable(SQLException e) {
        return e instanceof SQLTransientConnectionException || Sql.isTransient(e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback of a mirror batch failed: {}", Sql.message(e));
        }
    }

    /** One mirror write, run on a lane. */
    final class Mirror implements MirrorLanes.MirrorTask {
        private final WriteOp op;
        private final String table;
        private final Object[] params;
        private final long primaryAffected;
        private final List<List<Object>> keyValues;
        private final boolean toNew;
        private final long version;
        private final WriteTarget writeTarget;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        private Mirror(WriteOp op, String table, Object[] params, long primaryAffected, List<List<Object>> keyValues,
                       boolean toNew, long version, WriteTarget writeTarget) {
            this.version = version;
            this.writeTarget = writeTarget;
            this.op = op;
            this.table = table;
            this.params = params;
            this.primaryAffected = primaryAffected;
            this.keyValues = keyValues;
            this.toNew = toNew;
        }

        /** May run in a JDBC batch: a statement of its own (not a re-sync) that returns no rows. */
        boolean batchable() {
            return op.batchable(toNew);
        }

        @Override
        public boolean joins(MirrorLanes.MirrorTask first) {
            return first instanceof Mirror m && m.toNew == toNew && m.batchable() && batchable();
        }

        /** Null when the mirror changed as many rows as the first side, else why it is queued. */
        private String mismatch(long affected) {
            if (affected == Statement.SUCCESS_NO_INFO) {
                return "the driver did not report how many rows the mirror changed (reWriteBatchedInserts?)";
            }
            return affected == primaryAffected ? null
                    : "mirror changed " + affected + " row(s) on the " + side() + " database, the first side " + primaryAffected;
        }

        /** The written keys as the queue's JSON (made here, on the lane or when giving up). */
        private List<String> keys() {
            List<String> out = new ArrayList<>(keyValues.size());
            for (List<Object> v : keyValues) {
                out.add(resync.keyJson(op.table(), v));
            }
            return out;
        }

        @Override
        public void run() {
            SideHealth health = health(toNew);
            String down = health.downReason();
            if (down != null) {
                giveUp(down);
                return;
            }
            try {
                if (op.isMirrorByResync()) {
                    for (String k : keys()) {
                        resync.resync(table, k, toNew ? Direction.FORWARD : Direction.REVERSE);
                    }
                } else {
                    String why = mismatch(Rows.write(toNew ? newDs : oldDs, op.sql(toNew), params).affected());
                    if (why != null) {
                        giveUp(why);
                        return;
                    }
                }
                health.up();
                succeeded();
            } catch (SQLException e) {
                if (unreachable(e)) {
                    health.down(downBackoff, Sql.message(e));
                }
                giveUp(Sql.message(e));
            } catch (RuntimeException e) {
                giveUp(StateFollower.oneLine(e));
            }
        }

        private void succeeded() {
            mirrored.increment();
            metrics.mirrorWrite(false);
            finish();
            releaseVersion();
        }

        /** The write's version is no longer held (once): its mirror ran, or its entries are queued. */
        private void releaseVersion() {
            if (released.compareAndSet(false, true)) {
                release(version);
            }
        }

        /** Counts the mirror out of the pending ones, once (a task given up after it ran is queued again, harmlessly). */
        private void finish() {
            if (done.compareAndSet(false, true)) {
                (toNew ? pendingToNew : pendingToOld).decrement();
            }
        }

        private String side() {
            return toNew ? "new" : "old";
        }

        @Override
        public void giveUp(String why) {
            List<CompletableFuture<Void>> landed = new ArrayList<>(keyValues.size());
            try {
                failures.increment();
                metrics.mirrorWrite(true);
                long now = System.currentTimeMillis();
                String error = "write " + op.name() + " not mirrored to the " + side() + " database: " + why;
                if (keyValues.isEmpty()) {
                    LOG.error("{}; the written key is unknown, run `cutover repair` for table {}", error, table);
                }
                for (String k : keys()) {
                    landed.add(queue.enqueue(new FailedWrite(table, k, now, error, version, writeTarget)));
                }
            } finally {
                finish();
                CompletableFuture.allOf(landed.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> releaseVersion());
            }
        }
    }

    /** A database the mirror writes could not reach: mirrors skip it (and queue) until {@code downUntil}. */
    private static final class SideHealth {
        private final String name;
        private volatile long downUntil;
        private volatile String reason;

        SideHealth(String name) {
            this.name = name;
        }

        void down(Duration backoff, String why) {
            reason = why;
            downUntil = System.nanoTime() + backoff.toNanos();
        }

        void up() {
            reason = null;
        }

        /** Non-null while in back-off. */
        String downReason() {
            String r = reason;
            return r != null && System.nanoTime() < downUntil ? name + " database unreachable (" + r + ")" : null;
        }

        /** Non-null while the last attempt failed (back-off passed or not). */
        String trouble() {
            String r = reason;
            return r == null ? null : "mirror writes to the " + name + " database failing: " + r;
        }
    }
}
