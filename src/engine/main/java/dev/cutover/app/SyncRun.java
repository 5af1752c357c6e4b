package dev.cutover.app;

import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncHealth;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.SyncStatus;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of change capture (docs/sync.md) as the command line ({@code cutover sync}) and the
 * console's "Change capture" screen both start it: the engine over the plan in one direction, its
 * lag and health published to {@code cutover:{M}:sync} (or {@code :sync:reverse}) when a Redis URL
 * is given, the last status kept for whoever shows it, and stop after the batch in hand. The slot
 * and publication are created by the run when missing ({@link SyncEngine#run}). Also the drop of
 * the slot, with its status record.
 */
public final class SyncRun {
    /**
     * What a run is asked for: {@code redisUrl} null publishes nothing (lag and health only to the
     * caller); {@code maxRetainedBytes} is the warning size of the slot's retained WAL.
     */
    public record Settings(boolean reverse, boolean untilCaughtUp, int batchKeys, long maxRetainedBytes, String redisUrl) {
        /** Forward, until stopped, the engine's defaults, publishing to {@code redisUrl} (may be null). */
        public static Settings forward(String redisUrl) {
            SyncEngine.Options d = SyncEngine.Options.defaults();
            return new Settings(false, false, d.batchKeys(), d.maxRetainedBytes(), redisUrl);
        }

        public Settings withReverse(boolean r) {
            return new Settings(r, untilCaughtUp, batchKeys, maxRetainedBytes, redisUrl);
        }
    }

    private final Plan plan;
    private final Settings settings;
    private final SyncEngine engine;
    private final SyncHealth health;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile SyncStatus last;
    private volatile Map<String, String> stoppedBy;
    private volatile boolean started;

    /**
     * A run of {@code plan} between {@code oldDb} and {@code newDb}; nothing is opened yet. Bad
     * settings (a batch of 0 keys, a negative warning size) fail here with one line.
     */
    public SyncRun(Db oldDb, Db newDb, Plan plan, Settings settings) {
        this.plan = plan;
        this.settings = settings;
        SyncEngine.Options o = SyncEngine.Options.defaults().withUntilCaughtUp(settings.untilCaughtUp())
                .withBatchKeys(settings.batchKeys()).withMaxRetainedBytes(settings.maxRetainedBytes());
        this.engine = new SyncEngine(oldDb, newDb, plan, o, direction(settings.reverse()));
        this.health = settings.redisUrl() == null ? null : new SyncHealth(settings.redisUrl(), plan.name(), settings.reverse());
    }

    private static Direction direction(boolean reverse) {
        return reverse ? Direction.REVERSE : Direction.FORWARD;
    }

    /** The slot (and publication) this run streams from. */
    public String slot() {
        return engine.slot().slot();
    }

    public boolean reverse() {
        return settings.reverse();
    }

    /** Whether lag and health go to Redis. */
    public boolean publishes() {
        return health != null;
    }

    /** The latest status of this run (null before the first), whether or not it went to Redis. */
    public SyncStatus last() {
        return last;
    }

    /** Started and not ended yet. */
    public boolean running() {
        return started && ended.getCount() > 0;
    }

    /**
     * Runs in this thread until stopped (or caught up with {@link Settings#untilCaughtUp}): each
     * status goes to Redis (when publishing), is kept as {@link #last}, then to {@code status}.
     * Throws what the engine throws ({@link dev.cutover.pg.DbException}: one line).
     */
    public SyncEngine.Report run(Consumer<SyncStatus> status) throws InterruptedException {
        started = true;
        try {
            return engine.run(s -> {
                if (health != null) {
                    health.accept(s);
                    if (health.stopRequest() != null && stoppedBy == null) {
                        stoppedBy = health.stopRequest();
                        engine.stop();
                    }
                }
                last = s;
                if (status != null) {
                    status.accept(s);
                }
            });
        } finally {
            if (health != null) {
                health.close();
            }
            ended.countDown();
        }
    }

    /**
     * Runs on a daemon thread of its own ({@code cutover-sync-<slot>}); {@code onEnd} gets the report,
     * {@code onFailure} what stopped it (each on that thread). Returns at once.
     */
    public Thread start(Consumer<SyncStatus> status, Consumer<SyncEngine.Report> onEnd, Consumer<Throwable> onFailure) {
        started = true;
        Thread t = new Thread(() -> {
            SyncEngine.Report r;
            try {
                r = run(status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onFailure.accept(e);
                return;
            } catch (RuntimeException e) {
                onFailure.accept(e);
                return;
            }
            onEnd.accept(r);
        }, "cutover-sync-" + slot());
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The request through Redis this run stopped on ({@code who}, {@code at}, {@code why} of
     * {@link dev.cutover.control.ControlKeys#syncStop}), null when it was not asked to stop that way.
     */
    public Map<String, String> stoppedBy() {
        return stoppedBy;
    }

    /** One line for a run stopped through Redis: {@code sync P: stopped at the request of alice@db-admin-1 (console: flip writes …)}. */
    public static String stoppedByLine(String planName, Map<String, String> request) {
        return "sync " + planName + ": stopped at the request of " + request.getOrDefault(dev.cutover.control.ControlKeys.SyncStop.WHO, "?")
                + " (" + request.getOrDefault(dev.cutover.control.ControlKeys.SyncStop.WHY, "") + ")";
    }

    /**
     * Stops the {@code cutover sync} that streams {@code plan}'s forward (or reverse) slot in another
     * process and reports to this Redis: asks it through Redis ({@link SyncHealth#requestStop}) to stop
     * after the batch in hand, then waits up to {@code timeoutMillis} for its slot on {@code streamedFrom}
     * to come free. False when it did not (the request expires by itself).
     */
    public static boolean stopElsewhere(dev.cutover.control.RedisLink link, Db streamedFrom, Plan plan, boolean reverse,
                                        dev.cutover.control.Actor who, String why, long timeoutMillis) throws InterruptedException {
        SyncHealth.requestStop(link, plan.name(), reverse, who.who(), why);
        return new SyncSlot(streamedFrom, plan, direction(reverse)).awaitReleased(timeoutMillis);
    }

    /** Asks the run to stop after the batch in hand (applied and confirmed); returns at once. */
    public void stop() {
        engine.stop();
    }

    /** Waits up to {@code millis} for the run to end; true when it ended (or never started). */
    public boolean awaitEnd(long millis) throws InterruptedException {
        return !started || ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The first line a run prints: what it follows, through which slot, where its lag goes. */
    public String banner() {
        return "sync " + plan.name() + ": following the " + (settings.reverse() ? "new database (reverse, into the old one)" : "old database")
                + " through slot and publication " + slot()
                + (health == null ? "; no --redis: lag and health only here" : "; lag and health in Redis");
    }

    /** The line a run ends with: {@code sync P stopped: 12 changes in 3 transactions, …; confirmed up to 0/1A2B}. */
    public static String summary(String planName, SyncEngine.Report r) {
        return String.format(Locale.ROOT, "sync %s %s: %,d changes in %,d transactions, %,d keys re-synced%s; confirmed up to %s", planName,
                r.caughtUp() ? "caught up" : "stopped", r.changes(), r.transactions(), r.keysSynced(),
                r.truncates() > 0 ? String.format(Locale.ROOT, ", %d truncated table(s) re-synced whole", r.truncates()) : "",
                r.confirmedLsn() == null ? "where it started" : r.confirmedLsn());
    }

    /** What {@link #drop} removed: the slot's name, the slot and publication, and whether a status record was removed from Redis. */
    public record Dropped(String slot, SyncSlot.Dropped dropped, boolean forgotten) {
        /** One line: {@code sync P: replication slot S dropped; publication dropped; its status in Redis removed (…)}. */
        public String line(String planName) {
            return "sync " + planName + ": " + (dropped.slot() ? "replication slot " : "no replication slot ")
                    + slot + (dropped.slot() ? " dropped" : "") + "; "
                    + (dropped.publication() ? "publication dropped" : "no publication")
                    + (forgotten ? "; its status in Redis removed (the phase guards no longer wait for it)" : "");
        }
    }

    /**
     * Drops the slot and publication of one direction on {@code streamedFrom} (the old database
     * forward, the new one in reverse), refused with one line while a process streams from the slot; with {@code redisUrl}
     * also the status record, so the phase guards no longer wait for a sync that is gone.
     */
    public static Dropped drop(Db streamedFrom, Plan plan, boolean reverse, String redisUrl) {
        SyncSlot slot = new SyncSlot(streamedFrom, plan, direction(reverse));
        SyncSlot.Dropped d = slot.drop();
        boolean forgotten = redisUrl != null && new SyncHealth(redisUrl, plan.name(), reverse).forget();
        return new Dropped(slot.slot(), d, forgotten);
    }
}
