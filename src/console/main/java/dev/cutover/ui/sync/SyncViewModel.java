package dev.cutover.ui.sync;

import dev.cutover.app.SyncRun;
import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncPrerequisites;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.SyncStatus;
import dev.cutover.capture.WriteBlock;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.control.WriteTarget;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.ConsoleRedis;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.util.Duration;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Change capture screen's state (docs/sync.md): for the forward stream, and the reverse one
 * when its slot exists, whether a sync runs (its status hash in Redis heard recently, the slot's
 * {@code active} flag in {@code pg_replication_slots}), lag, changes/s, WAL the slot retains
 * against the warning size, and the last error, one line each. Start runs a sync in this console's
 * process through {@link SyncRun} (as {@code cutover sync} does); Stop asks it to stop after the
 * batch in hand; Drop removes the slot and publication. Start is refused with the reason while
 * another process streams from the slot. Polled every second while the screen is shown.
 */
public final class SyncViewModel implements AutoCloseable {
    /**
     * What one poll found for one direction (read off the FX thread): the status, the slot (null
     * when none), the plan's tables on the side it streams from that carry a write block
     * ({@link WriteBlock}; null when unread), and what could not be read.
     */
    public record Reading(SyncStatus status, SyncSlot.Info slot, List<TableRef> blocked, String problem, String cannotCapture) {
        public Reading(SyncStatus status, SyncSlot.Info slot, List<TableRef> blocked, String problem) {
            this(status, slot, blocked, problem, null);
        }

    }

    /**
     * The lines shown for one direction, and what its buttons may do. {@code reportsHere}: the
     * stream runs in another process that reports to this console's Redis, so it can be asked there
     * to stop (the write flip does).
     */
    public record Lines(String state, String lag, String rate, String wal, boolean walWarning, String error,
                        boolean running, boolean otherProcess, boolean slotExists, boolean reportsHere) {
        public Lines(String state, String lag, String rate, String wal, boolean walWarning, String error,
                     boolean running, boolean otherProcess, boolean slotExists) {
            this(state, lag, rate, wal, walWarning, error, running, otherProcess, slotExists, false);
        }
    }

    /** One direction's stream: its lines, its buttons' state, and the run this console started, if any. */
    public final class Side {
        private final boolean reverse;
        private final StringProperty state = new SimpleStringProperty("");
        private final StringProperty lag = new SimpleStringProperty("");
        private final StringProperty rate = new SimpleStringProperty("");
        private final StringProperty wal = new SimpleStringProperty("");
        private final StringProperty error = new SimpleStringProperty("");
        private final BooleanProperty walWarning = new SimpleBooleanProperty();
        private final BooleanProperty shown = new SimpleBooleanProperty(true);
        private final StringProperty startBlocked = new SimpleStringProperty("");
        private final BooleanProperty canStop = new SimpleBooleanProperty();
        private final StringProperty dropBlocked = new SimpleStringProperty("");
        private volatile SyncRun run;
        private long runEndedAt; // when this console's run ended: its walsender may keep the slot active a moment longer
        private Lines lines;
        private Reading reading;

        Side(boolean reverse) {
            this.reverse = reverse;
            shown.set(!reverse);
        }

        public boolean reverse() {
            return reverse;
        }

        /** "Running in this console — …", "Not running — …", "Another process streams …". */
        public ReadOnlyStringProperty state() {
            return state;
        }

        public ReadOnlyStringProperty lag() {
            return lag;
        }

        public ReadOnlyStringProperty rate() {
            return rate;
        }

        public ReadOnlyStringProperty wal() {
            return wal;
        }

        /** The slot retains more WAL than the warning size. */
        public ReadOnlyBooleanProperty walWarning() {
            return walWarning;
        }

        public ReadOnlyStringProperty error() {
            return error;
        }

        /** Forward always; reverse when its slot exists or this console runs it. */
        public ReadOnlyBooleanProperty shown() {
            return shown;
        }

        /** Why Start is disabled now, "" when it may start. */
        public ReadOnlyStringProperty startBlocked() {
            return startBlocked;
        }

        /** A sync this console started is running (Stop stops it). */
        public ReadOnlyBooleanProperty canStop() {
            return canStop;
        }

        /** Why Drop slot is disabled now, "" when it may drop. */
        public ReadOnlyStringProperty dropBlocked() {
            return dropBlocked;
        }

        /** WAL the slot retains now, for the drop confirmation (0 when unknown). */
        public long retainedBytes() {
            return reading == null || reading.slot() == null ? 0 : reading.slot().retainedBytes();
        }

        /** The slot's name for the plan open now ("" without a plan). */
        public String slotName() {
            Plan p = plan.getValue();
            return p == null ? "" : SyncSlot.nameFor(p.name()) + (reverse ? "_rev" : "");
        }

        boolean ours() {
            SyncRun r = run;
            return r != null && r.running();
        }

        /** The last poll's reading (null before the first). */
        Reading reading() {
            return reading;
        }

        /** The lines shown now (null before the first show). */
        Lines lines() {
            return lines;
        }

        /** The run this console started last (null when none; it may have ended). */
        SyncRun ownRun() {
            return run;
        }
    }

    private final Session session;
    private final BackgroundTasks tasks;
    private final ObservableValue<Plan> plan;
    private final ConsoleRedis redis = new ConsoleRedis();
    private final Side forward = new Side(false);
    private final Side reverse = new Side(true);
    private final StringProperty message = new SimpleStringProperty("");
    private final FlipViewModel flip = new FlipViewModel(this);
    /** The control state Redis holds for the plan's migration (null: no Redis, none held, or not read yet). */
    private final ObjectProperty<ControlState> control = new SimpleObjectProperty<>();
    private final StringProperty writes = new SimpleStringProperty("");
    private final Timeline poller;
    private boolean polling;

    public SyncViewModel(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan) {
        this.session = session;
        this.tasks = tasks;
        this.plan = plan;
        poller = new Timeline(new KeyFrame(Duration.seconds(1), e -> refresh()));
        poller.setCycleCount(Timeline.INDEFINITE);
        plan.addListener((o, a, b) -> refresh());
        session.oldDb().addListener((o, a, b) -> refresh());
        session.newDb().addListener((o, a, b) -> refresh());
        show(forward, null);
        show(reverse, null);
        flip.writes().addListener((o, a, b) -> writes.set(writesLine(control.get(), flip.choice(), b)));
        control.addListener((o, a, b) -> writes.set(writesLine(b, flip.choice(), flip.writes().get())));
        writes.set(writesLine(control.get(), flip.choice(), flip.writes().get()));
    }

    /**
     * Where the application's writes go, as Redis and the databases hold it: the phase and write
     * target in Redis (where the routers write), then the write blocks on each side (the flip's
     * line). Without a state in Redis, the write blocks alone.
     */
    public ReadOnlyStringProperty writes() {
        return writes;
    }

    /** The control state Redis holds for the plan's migration, read every poll (null: none, or no Redis). */
    public ReadOnlyObjectProperty<ControlState> control() {
        return control;
    }

    /**
     * The writes line for a control state ({@code null}: none known) and the flip's choice and line.
     * "Writes go to the old database (no write block on either side)" is the flip's inference for an
     * application without the router; it holds as such only under write target old_only. Under
     * dual_write (new_primary) with no block, writes go to the old (new) database first and the
     * routers mirror them to the other, which the line says; under new_only it is not said: the
     * blocks are, and where the routers write. A block on a side is the flip's line, as it is.
     */
    static String writesLine(ControlState state, FlipViewModel.Choice choice, String flipLine) {
        if (state == null) {
            return flipLine;
        }
        WriteTarget t = state.writeTarget();
        boolean noBlock = choice != null && choice.writesOn() == dev.cutover.app.WriteFlip.Side.OLD && choice.undo() == null;
        if (noBlock && (t == WriteTarget.DUAL_WRITE || t == WriteTarget.NEW_PRIMARY)) {
            String first = t == WriteTarget.DUAL_WRITE ? "old" : "new";
            String second = t == WriteTarget.DUAL_WRITE ? "new" : "old";
            return "Redis holds phase " + state.phase().wireName() + ".\nWrites go to the " + first + " database first; the routers mirror"
                    + " them to the " + second + " one (write target " + t.wireName() + "). No write block on either database.";
        }
        String redis = "Redis holds phase " + state.phase().wireName() + ", write target " + t.wireName() + ": "
                + dev.cutover.ui.traffic.TrafficViewModel.routersWrite(t) + ".";
        String databases = noBlock && t != WriteTarget.OLD_ONLY
                ? "No write block on either database: an application without the router writes to the one it connects to."
                : flipLine;
        return redis + "\n" + databases;
    }

    public Side forward() {
        return forward;
    }

    public Side reverse() {
        return reverse;
    }

    /** The write flip of this screen (docs/sync.md, "The write flip"). */
    public FlipViewModel flip() {
        return flip;
    }

    Session session() {
        return session;
    }

    BackgroundTasks tasks() {
        return tasks;
    }

    Plan plan() {
        return plan.getValue();
    }

    /** What the last Start, Stop or Drop came to, one line. */
    public ReadOnlyStringProperty message() {
        return message;
    }

    public void startPolling() {
        poller.play();
        refresh();
    }

    public void stopPolling() {
        poller.stop();
    }

    /** Whether the screen polls now (started by {@link #startPolling}, not stopped since). */
    boolean polls() {
        return poller.getStatus() == javafx.animation.Animation.Status.RUNNING;
    }

    /** Reads both directions now (in the background) and shows them. */
    public void refresh() {
        Plan p = plan.getValue();
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        String redisUrl = session.redisUrl().get();
        if (p == null || oldDb == null || newDb == null) {
            show(forward, null);
            show(reverse, null);
            return;
        }
        if (polling) {
            return;
        }
        polling = true;
        tasks.run(null, pr -> new Object[] {read(redis, oldDb, p, false, redisUrl), read(redis, newDb, p, true, redisUrl),
                readControl(redis, p, redisUrl)}, r -> {
            polling = false;
            if (p == plan.getValue()) {
                forward.reading = (Reading) r[0];
                reverse.reading = (Reading) r[1];
                control.set((ControlState) r[2]);
                show(forward, forward.reading);
                show(reverse, reverse.reading);
            }
        }, e -> polling = false);
    }

    /**
     * Reads both directions afresh, then starts {@code side}'s stream (the one click after a write
     * flip: a poll that began during the flip saw its stream still holding the spent slot).
     */
    void startWhenRead(Side side) {
        Plan p = plan.getValue();
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        String redisUrl = session.redisUrl().get();
        if (p == null || oldDb == null || newDb == null) {
            start(side);
            return;
        }
        tasks.run("Reading the slots", pr -> new Reading[] {read(redis, oldDb, p, false, redisUrl), read(redis, newDb, p, true, redisUrl)}, r -> {
            if (p == plan.getValue()) {
                forward.reading = r[0];
                reverse.reading = r[1];
                show(forward, r[0]);
                show(reverse, r[1]);
            }
            start(side);
        }, e -> message.set("Not started: " + Problems.oneLine(e)));
    }

    /** Shows both directions again from their last readings (the write flip started or ended). */
    void reshow() {
        show(forward, forward.reading);
        show(reverse, reverse.reading);
    }

    /** The control state Redis holds for the plan's migration; null without Redis, when it holds none, or when it cannot be read. */
    static ControlState readControl(ConsoleRedis redis, Plan p, String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            return null;
        }
        try {
            List<String> values = redis.commands(redisUrl).mget(ControlStateCodec.keys(new ControlKeys(p.name())).toArray(String[]::new))
                    .stream().map(kv -> kv.getValueOrElse(null)).toList();
            ControlState s = ControlStateCodec.fromValues(values);
            return s.version() == 0 ? null : s;
        } catch (RuntimeException e) {
            return null; // the stream's line says what Redis could not give
        }
    }

    /** One direction's status hash (null without Redis or when none) and slot (null when none) now; never throws. */
    static Reading read(ConsoleRedis redis, Db db, Plan p, boolean reverse, String redisUrl) {
        SyncStatus status = null;
        String problem = null;
        if (redisUrl != null && !redisUrl.isBlank()) {
            try {
                ControlKeys keys = new ControlKeys(p.name());
                Map<String, String> h = redis.commands(redisUrl).hgetall(reverse ? keys.syncReverse() : keys.sync());
                status = SyncStatus.fromHash(h);
            } catch (RuntimeException e) {
                redis.close();
                problem = "Redis: " + Problems.oneLine(e);
            }
        }
        SyncSlot.Info info = null;
        List<TableRef> blocked = null;
        String cannotCapture = null;
        Direction d = reverse ? Direction.REVERSE : Direction.FORWARD;
        try {
            info = new SyncSlot(db, p, d).info();
            blocked = new WriteBlock(db, p, d).blocked();
            // no slot yet: Start would make one, which the server refuses without logical decoding (a restart to change)
            cannotCapture = info == null ? SyncPrerequisites.walLevelProblem(db) : null;
        } catch (RuntimeException e) {
            problem = Problems.oneLine(e);
        }
        return new Reading(status, info, blocked, problem, cannotCapture);
    }

    private void show(Side side, Reading r) {
        Plan p = plan.getValue();
        String missing = session.missingForARun(p);
        boolean ours = side.ours();
        SyncRun run = side.run;
        SyncStatus own = ours ? run.last() : null;
        Lines l;
        long now = System.currentTimeMillis();
        if (missing != null || (r == null && !ours)) {
            l = new Lines(missing != null ? "Not known — " + missing : "Reading the slot and its status…", "Lag: —", "Changes/s: —",
                    "Retained WAL: —", false, "Last error: none", false, false, false);
        } else {
            SyncStatus status = own != null ? own : r == null ? null : r.status();
            SyncSlot.Info slot = r == null ? null : r.slot();
            if (!ours && slot != null && slot.active() && now - side.runEndedAt < 10_000 && (status == null || !status.live(now))) {
                // the run this console just stopped: its server process lets go of the slot a moment after
                slot = new SyncSlot.Info(false, null, slot.confirmedFlushLsn(), slot.lagBytes(), slot.retainedBytes());
            }
            l = describe(status, slot, r == null ? null : r.problem(), ours, side.slotName(), now);
            if (r != null && r.cannotCapture() != null && !l.slotExists() && !l.running()) {
                // "Start creates it" would be untrue: the server refuses a slot until it runs with wal_level = logical
                l = new Lines("Not running — no slot " + side.slotName() + ", and the server cannot make one (wal_level is not logical)", l.lag(),
                        l.rate(), l.wal(), l.walWarning(), l.error(), false, false, false);
            }
        }
        side.lines = l;
        side.state.set(l.state());
        side.lag.set(l.lag());
        side.rate.set(l.rate());
        side.wal.set(l.wal());
        side.walWarning.set(l.walWarning());
        side.error.set(l.error());
        side.canStop.set(ours);
        side.shown.set(!side.reverse || ours || l.slotExists());
        Side other = side == forward ? reverse : forward;
        String blocked = missing;
        String sideWords = side.reverse ? "new" : "old";
        if (blocked == null && ours) {
            blocked = "Running in this console: Stop stops it.";
        } else if (blocked == null && flip.flipping().get()) {
            blocked = "The write flip streams now: wait for it to end.";
        } else if (blocked == null && r != null && r.cannotCapture() != null && !l.slotExists()) {
            blocked = capitalized(r.cannotCapture()) + ".";
        } else if (blocked == null && r != null && r.blocked() != null && !r.blocked().isEmpty()) {
            blocked = "The " + sideWords + " database refuses writes (write block: writes moved to the " + (side.reverse ? "old" : "new")
                    + " database), so this stream has nothing to follow: run the " + (side.reverse ? "forward" : "reverse") + " stream.";
        } else if (blocked == null && l.otherProcess()) {
            blocked = "Another process streams from slot " + side.slotName() + ": stop that 'cutover sync' first.";
        } else if (blocked == null && (other.ours() || (other.lines != null && other.lines.running()))) {
            blocked = "The " + (other.reverse ? "reverse" : "forward") + " stream is running: run forward and reverse one at a time"
                    + " (docs/sync.md).";
        } else if (blocked == null && r == null) {
            blocked = "Reading the slot…";
        }
        side.startBlocked.set(blocked == null ? "" : blocked);
        String dropWhy = missing;
        if (dropWhy == null && flip.flipping().get()) {
            dropWhy = "The write flip uses the slot now.";
        } else if (dropWhy == null && (ours || l.otherProcess() || (l.running()))) {
            dropWhy = "The slot is in use: stop the sync first.";
        } else if (dropWhy == null && !l.slotExists()) {
            dropWhy = r == null ? "Reading the slot…" : "No slot " + side.slotName() + " to drop.";
        }
        side.dropBlocked.set(dropWhy == null ? "" : dropWhy);
        flip.show();
    }

    /**
     * The lines for one direction: {@code status} its latest status (this console's run's own when
     * {@code ours}, else the Redis hash; null when none), {@code slot} the slot now (null when
     * none), {@code problem} what could not be read (null when all was).
     */
    static Lines describe(SyncStatus status, SyncSlot.Info slot, String problem, boolean ours, String slotName, long now) {
        boolean heard = status != null && status.live(now);
        boolean active = slot != null && slot.active();
        boolean running = ours || heard || active;
        boolean other = !ours && (heard || active);
        String ago = status == null || status.updatedAt() <= 0 ? "" : ago(now - status.updatedAt());
        String state;
        if (ours) {
            state = SyncStatus.RETRYING.equals(status == null ? "" : status.state())
                    ? "Running in this console, retrying: a connection was lost, trying again from the last confirmed position"
                    : "Running in this console" + (ago.isEmpty() ? " — starting" : " — reported " + ago);
        } else if (heard) {
            state = (SyncStatus.RETRYING.equals(status.state()) ? "Running in another process, retrying a lost connection" : "Running in another process")
                    + " — reported " + ago + (active ? "; slot active (server process " + slot.activePid() + ")" : "");
        } else if (active) {
            state = "Running in another process — slot " + slotName + " is active (server process " + slot.activePid()
                    + "), not reporting to this Redis";
        } else if (slot != null) {
            state = "Not running — slot " + slotName + " exists and nobody streams from it"
                    + (status == null || status.state().isEmpty() ? "" : "; last reported " + status.state() + " " + ago);
        } else {
            state = "Not running — no slot " + slotName + " yet (Start creates it)";
        }
        if (problem != null) {
            state = state + " (cannot read everything: " + problem + ")";
        }
        long lagBytes = slot != null ? slot.lagBytes() : status != null ? status.lagBytes() : -1;
        String lag;
        if (running && status != null) {
            lag = String.format(Locale.ROOT, "Lag: %s, %.1f s", SyncStatus.bytes(Math.max(0, lagBytes)), status.lagSeconds());
        } else if (lagBytes >= 0 && slot != null) {
            lag = "Lag: " + SyncStatus.bytes(lagBytes) + " not yet applied (not running)";
        } else {
            lag = "Lag: —";
        }
        String rate = running && status != null
                ? String.format(Locale.ROOT, "Changes/s: %.0f (%,d applied since it started)", status.changesPerSec(), status.changesApplied())
                : "Changes/s: — (not running)";
        long max = status != null && status.updatedAt() > 0 ? status.maxRetainedBytes() : SyncEngine.Options.defaults().maxRetainedBytes();
        boolean warn = false;
        String wal;
        if (slot == null) {
            wal = "Retained WAL: none (no slot)";
        } else {
            warn = max > 0 && slot.retainedBytes() > max;
            wal = "Retained WAL: " + SyncStatus.bytes(slot.retainedBytes())
                    + (max <= 0 ? " (no warning size)" : warn ? " — over the warning size of " + SyncStatus.bytes(max)
                    + ": if sync is not coming back, drop the slot before the server's disk fills" : " (warning at " + SyncStatus.bytes(max) + ")");
        }
        String err = status == null || status.lastError() == null || status.lastError().isBlank() ? "none" : firstLine(status.lastError());
        return new Lines(state, lag, rate, wal, warn, "Last error: " + err, running, other, slot != null, other && heard);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl);
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static String ago(long ms) {
        long s = Math.max(0, ms / 1000);
        return s < 120 ? s + " s ago" : s < 7200 ? (s / 60) + " min ago" : (s / 3600) + " h ago";
    }

    /** Starts a sync of {@code side}'s direction in this process; refused (the reason in {@link #message}) while blocked. */
    public void start(Side side) {
        String blocked = side.startBlocked.get();
        if (!blocked.isEmpty()) {
            message.set(blocked);
            return;
        }
        Plan p = plan.getValue();
        String redisUrl = session.redisUrl().get();
        SyncRun run = new SyncRun(session.oldDb().get(), session.newDb().get(), p,
                SyncRun.Settings.forward(redisUrl == null || redisUrl.isBlank() ? null : redisUrl).withReverse(side.reverse));
        side.run = run;
        message.set("S" + run.banner().substring(1).replace("; no --redis: lag and health only here", "; no Redis: lag and health only on this screen"));
        run.start(s -> BackgroundTasks.fx(() -> {
            if (side.run == run) {
                show(side, side.reading);
            }
        }), r -> BackgroundTasks.fx(() -> ended(side, run, SyncRun.summary(p.name(), r))),
                e -> BackgroundTasks.fx(() -> ended(side, run, "Sync " + p.name() + (run.last() == null ? " did not start: " : " stopped with an error: ")
                        + Problems.oneLine(e))));
        show(side, side.reading);
        refresh();
    }

    private void ended(Side side, SyncRun run, String line) {
        if (side.run == run) {
            side.runEndedAt = System.currentTimeMillis();
            message.set(line.startsWith("sync ") ? "S" + line.substring(1) : line);
            show(side, side.reading);
            refresh();
        }
    }

    /** Asks this console's sync of {@code side} to stop after the batch in hand (applied and confirmed). */
    public void stop(Side side) {
        SyncRun run = side.run;
        if (run == null || !run.running()) {
            message.set("No sync started in this console is running.");
            return;
        }
        run.stop();
        message.set("Stopping: the batch in hand is applied and confirmed first…");
    }

    /** Drops {@code side}'s slot and publication (and its status record in Redis); refused while it is in use. */
    public void drop(Side side) {
        String blocked = side.dropBlocked.get();
        if (!blocked.isEmpty()) {
            message.set(blocked);
            return;
        }
        Plan p = plan.getValue();
        Db db = side.reverse ? session.newDb().get() : session.oldDb().get();
        String redisUrl = session.redisUrl().get();
        tasks.run("Dropping slot " + side.slotName(), pr -> SyncRun.drop(db, p, side.reverse,
                        redisUrl == null || redisUrl.isBlank() ? null : redisUrl).line(p.name()),
                line -> {
                    message.set("S" + line.substring(1));
                    refresh();
                }, e -> message.set("Not dropped: " + Problems.oneLine(e)));
    }

    /** Stops polling; a sync this console runs is asked to stop and given a few seconds to confirm its batch. */
    @Override
    public void close() {
        poller.stop();
        for (Side s : new Side[] {forward, reverse}) {
            SyncRun r = s.run;
            if (r != null && r.running()) {
                r.stop();
                try {
                    r.awaitEnd(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        redis.close();
    }
}
