package dev.cutover.app;

import dev.cutover.capture.Sequences;
import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.WriteBlock;
import dev.cutover.control.Phase;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.work.PlanTables;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The write flip for an application without the router (docs/sync.md, "The write flip"): moves the
 * side that takes writes with the shortest pause it can, and no write lost.
 *
 * <p>To the new database: (1) the reverse slot is made on the new database, so every write there
 * from then on is kept for the old one; (2) one forward stream starts and catches up while writes
 * go on; (3) writes to the old database are blocked ({@link WriteBlock}) — the pause starts; (4)
 * the same stream, still open, catches up to a watermark written after the block, so every write
 * the old database accepted is on the new one, and the new side's sequences are moved past every
 * copied id ({@link Sequences}); (5) the forward slot is dropped (it would otherwise stream
 * the reverse stream's writes back), a block left on the new side by an earlier flip back is
 * lifted, and the caller is told to switch — the pause ends. Back to the old database is the same
 * with the sides exchanged. When a step inside the pause fails, the block is lifted again: the
 * application is never left without a side that takes its writes.
 *
 * <p>The stream the other way runs next ({@code cutover sync --reverse}, or {@code cutover sync}
 * after a flip back); it starts at the slot made in step 2, before the pause.
 */
public final class WriteFlip {
    private final Db oldDb;
    private final Db newDb;
    private final Plan plan;
    private final long lockTimeoutMillis;
    private final int lockAttempts;
    private final long maxPauseMillis;

    public WriteFlip(Db oldDb, Db newDb, Plan plan) {
        this(oldDb, newDb, plan, 2000, 5, 30_000);
    }

    /**
     * {@code lockTimeoutMillis} and {@code lockAttempts}: how long the block waits for writers in
     * flight, and how often it tries; {@code maxPauseMillis}: the longest the catch-up inside the
     * pause may take before the flip gives up and lifts the block.
     */
    public WriteFlip(Db oldDb, Db newDb, Plan plan, long lockTimeoutMillis, int lockAttempts, long maxPauseMillis) {
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.plan = plan;
        this.lockTimeoutMillis = lockTimeoutMillis;
        this.lockAttempts = lockAttempts;
        this.maxPauseMillis = maxPauseMillis;
    }

    /** Where writes go after the flip. */
    public enum Side {
        NEW, OLD;

        public String words() {
            return this == NEW ? "new database" : "old database";
        }

        /**
         * The phase the control state records once writes are on this side, from phase {@code now}
         * (docs/sync.md, "The write flip and the phases"): the new side is {@code new_primary}; the
         * old side is one step back from new_primary, {@code traffic_shift}, when the state is at
         * new_primary or later, else {@code now} (the flip is recorded, the phase kept). Null for a
         * flip to the new side from cleanup: writes are on the new database for good there.
         */
        public Phase phaseAfter(Phase now) {
            if (this == NEW) {
                return now.ordinal() > Phase.NEW_PRIMARY.ordinal() ? null : Phase.NEW_PRIMARY;
            }
            return now.ordinal() >= Phase.NEW_PRIMARY.ordinal() ? Phase.TRAFFIC_SHIFT : now;
        }

        public static Side parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "new" -> NEW;
                case "old" -> OLD;
                default -> throw new IllegalArgumentException("--to must be new or old, got " + s);
            };
        }
    }

    /**
     * What a flip did. The pause is from the moment the block was asked for to the moment the caller
     * was told to switch (what an application saw as refused writes, if it switched at once).
     */
    public record Result(Side to, long pauseMillis, long blockMillis, long catchUpMillis, long changesBefore, long changesInPause,
                         String droppedSlot, String nextSlot, boolean liftedBlockOnTarget) {
        /** The command that runs the stream from the side writes moved to. */
        public String nextCommand() {
            return to == Side.NEW ? "cutover sync --reverse" : "cutover sync";
        }
    }

    /**
     * Flips writes to {@code to}. {@code progress} gets one line per step; {@code switchNow} runs at
     * the end of the pause (an embedding test or console switches its writers there).
     */
    public Result flip(Side to, Consumer<String> progress, Runnable switchNow) throws InterruptedException {
        Direction from = to == Side.NEW ? Direction.FORWARD : Direction.REVERSE; // the stream that carries writes now
        Direction next = to == Side.NEW ? Direction.REVERSE : Direction.FORWARD;
        Db fromDb = to == Side.NEW ? oldDb : newDb;
        Db toDb = to == Side.NEW ? newDb : oldDb;
        Side fromSide = to == Side.NEW ? Side.OLD : Side.NEW;
        SyncSlot fromSlot = new SyncSlot(fromDb, plan, from);
        SyncSlot.Info info = fromSlot.info();
        if (info == null) {
            throw new DbException("flip-writes " + plan.name() + ": there is no slot " + fromSlot.slot() + " on the " + fromDb.role()
                    + ", so nothing shows that the " + to.words() + " followed the " + fromSide.words() + "'s writes; run '"
                    + (from == Direction.FORWARD ? "cutover sync" : "cutover sync --reverse") + "' first (after a backfill with --with-sync)");
        }
        if (info.active()) {
            throw new DbException("flip-writes " + plan.name() + ": a sync process streams from slot " + fromSlot.slot() + " (server process "
                    + info.activePid() + " on the " + fromDb.role() + "); stop it first (Ctrl-C): flip-writes catches up itself, and the pause"
                    + " is only the catch-up after the block");
        }
        // 1. one stream of the side writes leave, kept open across the block: catch up while writes go on
        SyncEngine engine = new SyncEngine(oldDb, newDb, plan, SyncEngine.Options.defaults(), from);
        CompletableFuture<SyncEngine.Report> run = new CompletableFuture<>();
        Thread streamer = new Thread(() -> {
            try {
                run.complete(engine.run(null));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, "flip-stream");
        streamer.setDaemon(true);
        streamer.start();
        WriteBlock block = new WriteBlock(fromDb, plan, from);
        boolean blockedNow = false;
        long t0 = 0;
        long blocked = 0;
        long changesBefore = 0;
        long changesInPause;
        boolean lifted;
        SyncSlot nextSlot = new SyncSlot(toDb, plan, next);
        try {
            // 2. (first, while the stream starts) the next stream's start point, before any write can reach the side writes move to
            SyncSlot.Ensured made = nextSlot.ensure();
            progress.accept((made.slotCreated() ? "slot " + nextSlot.slot() + " created" : "slot " + nextSlot.slot() + " kept") + " on the "
                    + toDb.role() + ": every write there from now on is kept for the " + fromSide.words());
            PlanTables.Resolved tables = PlanTables.resolve(plan, List.of(), oldDb, newDb); // for the sequences, read before the pause
            await(engine.caughtUp(), run, 0);
            changesBefore = engine.changes();
            progress.accept("caught up before the pause: " + changesBefore + " changes applied to the " + to.words());
            // 3. the pause starts
            t0 = System.nanoTime();
            WriteBlock.Installed installed = block.install(to.words(), lockTimeoutMillis, lockAttempts);
            blockedNow = true;
            blocked = System.nanoTime();
            progress.accept("writes to the " + fromSide.words() + " blocked (" + installed.tables() + " table(s), " + installed.lockWaitMillis()
                    + " ms" + (installed.attempts() > 1 ? ", " + installed.attempts() + " tries" : "") + "): the pause starts");
            // 4. everything the side accepted before the block reaches the other side
            await(engine.caughtUp(), run, maxPauseMillis);
            changesInPause = engine.changes() - changesBefore;
            engine.stop();
            streamer.join(15_000);
            // the ids the receiving side hands out next lie past every copied row (rows travel, sequence values do not)
            Sequences.advance(oldDb, newDb, tables, from).forEach(progress);
            lifted = new WriteBlock(toDb, plan, next).remove();
            // 5. last, the stream that has done its work goes (it would stream the next stream's writes back): a step
            // that fails before it leaves the slot, so lifting the block again loses nothing
            synchronized (finishing) {
                if (cancelled) {
                    throw new DbException("cancelled");
                }
                committed = true;
            }
            fromSlot.dropWhenReleased(10_000);
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            engine.stop();
            boolean undone = false;
            try {
                undone = blockedNow && block.remove();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw new DbException("flip-writes " + plan.name() + ": " + (e instanceof InterruptedException ? "stopped (a signal or a cancel)"
                    : oneLine(e)) + "; "
                    + (!blockedNow ? "nothing was blocked: writes go to the " + fromSide.words() + " as before"
                    : undone ? "the block on the " + fromSide.words() + " is lifted again: writes go there as before"
                    : "the block on the " + fromSide.words() + " could NOT be lifted: run 'cutover flip-writes --undo --to "
                    + fromSide.name().toLowerCase(Locale.ROOT) + "'"), e);
        }
        long end = System.nanoTime();
        switchNow.run();
        return new Result(to, TimeUnit.NANOSECONDS.toMillis(end - t0), TimeUnit.NANOSECONDS.toMillis(blocked - t0),
                TimeUnit.NANOSECONDS.toMillis(end - blocked), changesBefore, changesInPause, fromSlot.slot(), nextSlot.slot(), lifted);
    }

    private final Object finishing = new Object();
    private boolean cancelled;
    private boolean committed;

    /**
     * Called from another thread (a signal's stop hook) while {@link #flip} runs, perhaps blocked in a
     * database call: true when the flip had not yet begun to drop the spent slot and now never will,
     * so the caller may lift the block itself ({@link #undo}) and lose nothing; false when it had.
     */
    public boolean cancel() {
        synchronized (finishing) {
            if (committed) {
                return false;
            }
            cancelled = true;
            return true;
        }
    }

    /**
     * After a flip to {@code to}: removes the status record the spent stream left in Redis, so the
     * phase guards stop waiting for a stream whose slot is gone; true when there was one.
     */
    public static boolean forgetSpentStream(String redisUrl, String migration, Side to) {
        return new dev.cutover.capture.SyncHealth(redisUrl, migration, to == Side.OLD).forget();
    }

    /**
     * Lets writes to {@code side} through again (after a flip that went the other way, or one
     * abandoned): true when a block was lifted.
     */
    public boolean undo(Side side) {
        return side == Side.OLD ? new WriteBlock(oldDb, plan, Direction.FORWARD).remove()
                : new WriteBlock(newDb, plan, Direction.REVERSE).remove();
    }

    /**
     * Waits for {@code caughtUp} (0: as long as it takes, the stream still running), failing at once
     * when the stream's run ends with an error, and after {@code millis} with the longest pause.
     */
    private static void await(CompletableFuture<Void> caughtUp, CompletableFuture<SyncEngine.Report> run, long millis)
            throws InterruptedException {
        CompletableFuture<Object> first = CompletableFuture.anyOf(caughtUp, run);
        try {
            if (millis > 0) {
                first.get(millis, TimeUnit.MILLISECONDS);
            } else {
                first.get();
            }
            caughtUp.getNow(null); // the run ended first: caughtUp has failed with why
            if (!caughtUp.isDone()) {
                throw new DbException("the stream ended before it caught up");
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DbException("the catch-up did not finish within the longest pause allowed (" + millis + " ms; --max-pause)", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new DbException(oneLine(c), c);
        }
    }

    private static String oneLine(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
