package dev.cutover.ui.sync;

import dev.cutover.app.PhasedFlip;
import dev.cutover.app.SyncRun;
import dev.cutover.app.WriteFlip;
import dev.cutover.capture.SyncSlot;
import dev.cutover.control.Actor;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Guards;
import dev.cutover.control.RedisLink;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.DbIdentity;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.ConsoleWords;
import dev.cutover.ui.Problems;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The write flip of the Change capture screen, for an application without the router (docs/sync.md,
 * "The write flip"; the console's {@code cutover flip-writes}): which side takes writes now (from
 * the write blocks on each side), the flip the other way when its slot exists and nobody else
 * streams from it, and Undo of a block. The flip runs {@link PhasedFlip} (with Redis the phase
 * move: guarded before anything is stopped or blocked, recorded and audited after the switch) on
 * the console's background executor, after stopping a sync this console runs; its progress lines
 * arrive as they come, SWITCH NOW becomes a banner with the pause measured, and the stream the
 * other way is one click away. A refusal or failure is one line (a failure says the block was lifted).
 */
public final class FlipViewModel {
    /** How long the block waits for writers in flight per try, and how often it tries (as {@code flip-writes}'s defaults). */
    public static final long LOCK_TIMEOUT_MILLIS = 2000;
    public static final int LOCK_ATTEMPTS = 5;
    /** The longest catch-up inside the pause before the flip gives up and lifts the block ({@code --max-pause}'s default). */
    public static final long MAX_PAUSE_MILLIS = 30_000;
    /** How long the flip waits for a stream in another process, asked through Redis, to let go of its slot. */
    static final long OTHER_STOP_MILLIS = 30_000;

    /** One direction as the flip sees it: the blocked tables on the side it streams from (null: not read yet), its slot, who streams. */
    public record Stream(List<TableRef> blocked, boolean slotExists, boolean otherProcess, boolean ours, String cannotCapture,
                         boolean askable) {
        public Stream(List<TableRef> blocked, boolean slotExists, boolean otherProcess, boolean ours, String cannotCapture) {
            this(blocked, slotExists, otherProcess, ours, cannotCapture, false);
        }

        public Stream(List<TableRef> blocked, boolean slotExists, boolean otherProcess, boolean ours) {
            this(blocked, slotExists, otherProcess, ours, null);
        }
    }

    /**
     * What the screen offers: where writes go now ({@code writesOn} null when both sides refuse
     * them) in one line, the flip's {@code target} (null when none), its button text and why it is
     * disabled ("" when it may run), whether a sync of this console is stopped first, and the side
     * whose block Undo lifts (null: no block).
     */
    public record Choice(WriteFlip.Side writesOn, String writes, WriteFlip.Side target, String flipLabel, String flipBlocked,
                         boolean stopsOwnSync, WriteFlip.Side undo, String undoLabel, boolean stopsOtherSync) {
        public Choice(WriteFlip.Side writesOn, String writes, WriteFlip.Side target, String flipLabel, String flipBlocked,
                      boolean stopsOwnSync, WriteFlip.Side undo, String undoLabel) {
            this(writesOn, writes, target, flipLabel, flipBlocked, stopsOwnSync, undo, undoLabel, false);
        }
    }

    private final SyncViewModel sync;
    private final StringProperty writes = new SimpleStringProperty("");
    private final StringProperty flipLabel = new SimpleStringProperty("Flip writes to the new database…");
    private final StringProperty flipBlocked = new SimpleStringProperty("");
    private final StringProperty undoLabel = new SimpleStringProperty("");
    private final ObservableList<String> progress = FXCollections.observableArrayList();
    // one view kept: a wrapper made per call listens to the list weakly, and is collected with its listeners
    private final ObservableList<String> progressView = FXCollections.unmodifiableObservableList(progress);
    private final StringProperty banner = new SimpleStringProperty("");
    private final StringProperty pause = new SimpleStringProperty("");
    private final StringProperty nextLabel = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty outcome = new SimpleStringProperty("");
    private final BooleanProperty flipping = new SimpleBooleanProperty();
    private final BooleanProperty overridable = new SimpleBooleanProperty();
    private List<String> refusedGuards = List.of();
    private WriteFlip.Side refusedTo;
    private Choice choice;
    private WriteFlip.Side flippedTo;

    FlipViewModel(SyncViewModel sync) {
        this.sync = sync;
    }

    /** "Writes go to the old database (no write block on either side)", and so on. */
    public ReadOnlyStringProperty writes() {
        return writes;
    }

    /** "Flip writes to the new database…" or "Flip writes back to the old database…". */
    public ReadOnlyStringProperty flipLabel() {
        return flipLabel;
    }

    /** Why the flip is disabled now, "" when it may run. */
    public ReadOnlyStringProperty flipBlocked() {
        return flipBlocked;
    }

    /** "Undo write block on the old database…", "" when there is no block. */
    public ReadOnlyStringProperty undoLabel() {
        return undoLabel;
    }

    /** The running (or last) flip's progress lines, one per step. */
    public ObservableList<String> progress() {
        return progressView;
    }

    /** "Switch the application's writes to the new database now" at the end of the pause, "" otherwise. */
    public ReadOnlyStringProperty banner() {
        return banner;
    }

    /** The pause measured and what follows from it, under the banner. */
    public ReadOnlyStringProperty pause() {
        return pause;
    }

    /** "Start the reverse stream" (or forward, after a flip back) once a flip is done; "" hides it. */
    public ReadOnlyStringProperty nextLabel() {
        return nextLabel;
    }

    /** Why the last flip or undo failed, one line. */
    public ReadOnlyStringProperty error() {
        return error;
    }

    /** What the last undo did, one line. */
    public ReadOnlyStringProperty outcome() {
        return outcome;
    }

    public ReadOnlyBooleanProperty flipping() {
        return flipping;
    }

    /** The last flip was refused by a guard of its phase move: {@link #overrideRefused} may flip anyway, with a reason. */
    public ReadOnlyBooleanProperty overridable() {
        return overridable;
    }

    /** The guards that refused the last flip, each once and whole ("name: detail"); empty when it is not {@link #overridable}. */
    public List<String> refusedGuards() {
        return overridable.get() ? refusedGuards : List.of();
    }

    /** The side the refused flip was to (null before a refusal). */
    public WriteFlip.Side refusedTo() {
        return refusedTo;
    }

    /** The choice shown now (null before the first reading). */
    public Choice choice() {
        return choice;
    }

    /** What one direction's last reading and lines say, for {@link #choose}. */
    static Stream stream(SyncViewModel.Reading r, SyncViewModel.Lines l, boolean ours) {
        return new Stream(r == null ? null : r.blocked(), l != null && l.slotExists(), l != null && l.otherProcess(), ours,
                r == null ? null : r.cannotCapture(), l != null && l.reportsHere());
    }

    /**
     * What the flip may do, from the write blocks and slots of both sides: writes go to the side
     * without a block (the old one when neither has one); the flip goes the other way, through the
     * slot of the stream that carries writes now, which must exist and have nobody else streaming
     * from it. {@code missing} is why nothing can run (no plan, no connection), null otherwise.
     */
    static Choice choose(String missing, Stream forward, Stream reverse, String forwardSlot, String reverseSlot) {
        if (missing != null) {
            return new Choice(null, "Writes go to: not known — " + missing, null, "Flip writes to the new database…", missing, false, null, "");
        }
        if (forward == null || reverse == null || forward.blocked() == null || reverse.blocked() == null) {
            return new Choice(null, "Writes go to: reading the write blocks…", null, "Flip writes to the new database…",
                    "Reading the write blocks…", false, null, "");
        }
        boolean oldBlocked = !forward.blocked().isEmpty();
        boolean newBlocked = !reverse.blocked().isEmpty();
        if (oldBlocked && newBlocked) {
            return new Choice(null, "Writes go nowhere: both databases refuse them (a write block on each side)", null,
                    "Flip writes to the new database…", "Both databases refuse writes: undo the block on the side the application writes to.",
                    false, WriteFlip.Side.OLD, undoLabel(WriteFlip.Side.OLD));
        }
        WriteFlip.Side on = oldBlocked ? WriteFlip.Side.NEW : WriteFlip.Side.OLD;
        String writesLine = oldBlocked ? "Writes go to the new database: the old one refuses them (write block on "
                + tables(forward.blocked()) + ")"
                : newBlocked ? "Writes go to the old database: the new one refuses them (write block on " + tables(reverse.blocked())
                + ", from a flip back)"
                : "Writes go to the old database (no write block on either side)";
        WriteFlip.Side to = on == WriteFlip.Side.OLD ? WriteFlip.Side.NEW : WriteFlip.Side.OLD;
        Stream from = to == WriteFlip.Side.NEW ? forward : reverse;
        Stream next = to == WriteFlip.Side.NEW ? reverse : forward;
        String fromSlot = to == WriteFlip.Side.NEW ? forwardSlot : reverseSlot;
        String fromName = to == WriteFlip.Side.NEW ? "forward" : "reverse";
        String why = "";
        if (!from.slotExists() && from.cannotCapture() != null) {
            // "Start the forward stream" would send the DBA to a Start the server refuses
            why = "No slot " + fromSlot + " on the " + on.words() + ", and no stream can make one: " + from.cannotCapture() + ".";
        } else if (!from.slotExists()) {
            why = "No slot " + fromSlot + " on the " + on.words() + " yet: Start the " + fromName + " stream and let it catch up first"
                    + " (it shows that the " + to.words() + " followed the " + on.words() + "'s writes).";
        } else if (from.otherProcess() && !from.askable()) {
            why = "Another process streams from slot " + fromSlot + " and does not report to this Redis: stop that 'cutover sync' first"
                    + " (the flip streams itself, so that the pause is only the catch-up after the block).";
        } else if (next.otherProcess()) {
            why = "Another process runs the " + (to == WriteFlip.Side.NEW ? "reverse" : "forward") + " stream: stop that 'cutover sync' first.";
        }
        WriteFlip.Side undo = oldBlocked ? WriteFlip.Side.OLD : newBlocked ? WriteFlip.Side.NEW : null;
        return new Choice(on, writesLine, to, to == WriteFlip.Side.NEW ? "Flip writes to the new database…" : "Flip writes back to the old database…",
                why, from.ours() || next.ours(), undo, undo == null ? "" : undoLabel(undo), from.otherProcess() && from.askable());
    }

    private static String undoLabel(WriteFlip.Side side) {
        return "Undo write block on the " + side.words() + "…";
    }

    private static String tables(List<TableRef> t) {
        return t.size() == 1 ? t.get(0).toString() : t.size() + " tables";
    }

    /** The confirmation's header. */
    static String confirmHeader(WriteFlip.Side to) {
        return to == WriteFlip.Side.NEW ? "Flip the application's writes to the new database?" : "Flip the application's writes back to the old database?";
    }

    /** The confirmation's paragraphs: what happens, step by step, what the application sees, the longest pause. */
    static List<String> confirmSteps(WriteFlip.Side to, String fromSlot, String nextSlot, boolean stopsOwnSync, boolean stopsOtherSync) {
        String from = to == WriteFlip.Side.NEW ? "old database" : "new database";
        String fromStream = to == WriteFlip.Side.NEW ? "forward" : "reverse";
        String nextStream = to == WriteFlip.Side.NEW ? "reverse" : "forward";
        List<String> out = new ArrayList<>();
        int n = 1;
        if (stopsOtherSync) {
            out.add(n++ + ". The 'cutover sync' streaming from slot " + fromSlot + " in another process is asked through Redis to stop"
                    + " after its batch in hand (it hears it within about a second); the flip waits up to " + OTHER_STOP_MILLIS / 1000
                    + " s for the slot and, if it does not come free, stops there with nothing blocked.");
        }
        if (stopsOwnSync) {
            out.add(n++ + ". The sync running in this console stops first (its batch in hand applied and confirmed): the flip streams"
                    + " from slot " + fromSlot + " itself, with one stream kept open across the block.");
        }
        out.add(n++ + ". Slot " + nextSlot + " is made on the " + to.words() + " (kept if it exists): every write there from then on is"
                + " kept for the " + from + ".");
        out.add(n++ + ". The " + fromStream + " stream catches up while the application goes on writing.");
        out.add(n++ + ". Writes to the " + from + " are blocked — the pause starts. A trigger on each of the plan's tables refuses INSERT,"
                + " UPDATE, DELETE and TRUNCATE with SQLSTATE 25006 (read_only_sql_transaction) until the application switches to the "
                + to.words() + "; reads go on. The block waits for writers in flight (" + LOCK_TIMEOUT_MILLIS / 1000 + " s, up to "
                + LOCK_ATTEMPTS + " tries).");
        out.add(n++ + ". The stream catches up to the block, so every write the " + from + " accepted is on the " + to.words() + ".");
        out.add(n++ + ". Slot " + fromSlot + " is dropped and this screen says: switch the application's writes to the " + to.words()
                + " now, with the pause it measured. Writes refused meanwhile were never accepted: the application's retry lands them"
                + " on the " + to.words() + ".");
        out.add("Then Start the " + nextStream + " stream (one click here), so that the " + from + " keeps following.");
        out.add("Longest pause: the catch-up inside it may take " + MAX_PAUSE_MILLIS / 1000 + " s, after the block's wait for writers in"
                + " flight; if anything fails or takes longer, the block is lifted again and writes go to the " + from + " as before.");
        out.add(to == WriteFlip.Side.NEW
                ? "With Redis connected this is the move to new_primary: its guards are asked before step 1 (a refusal stops and blocks nothing),"
                + " and after the switch the phase is recorded with one flip_writes audit entry holding the pause."
                : "With Redis connected this is the rollback from new_primary to traffic_shift (in an earlier phase the phase is kept),"
                + " recorded after the switch with one flip_writes audit entry holding the pause.");
        return out;
    }

    /** The undo's confirmation. */
    static String undoText(WriteFlip.Side side) {
        String other = side == WriteFlip.Side.OLD ? "new database" : "old database";
        return "Drops the trigger cutover_writes_moved from the plan's tables on the " + side.words() + ": it takes the application's"
                + " writes again (SQLSTATE 25006 no longer). Lift it when a flip was abandoned, or to let the application write there"
                + " again. While both sides take writes, a write the application makes on the " + other + " is not carried over unless"
                + " its stream runs.";
    }

    /** Shows the choice for the sides' last readings (called whenever a side is shown). */
    void show() {
        SyncViewModel.Side f = sync.forward();
        SyncViewModel.Side r = sync.reverse();
        Choice c = choose(sync.session().missingForARun(sync.plan()), stream(f.reading(), f.lines(), f.ours()),
                stream(r.reading(), r.lines(), r.ours()), f.slotName(), r.slotName());
        choice = c;
        writes.set(c.writes());
        flipLabel.set(c.flipLabel());
        flipBlocked.set(flipping.get() ? "A write flip is running." : c.flipBlocked());
        undoLabel.set(c.undoLabel());
    }

    /** What a flip came to: its result, and the phase recorded (its line) or why it was not (null: no Redis, nothing to record). */
    private record Done(WriteFlip.Result result, String recorded, String notRecorded) {
    }

    /**
     * Runs the flip the choice offers (after the confirmation); refused with the reason while
     * blocked. With Redis it is the phase move ({@link PhasedFlip}, as {@code cutover flip-writes
     * --redis}): the guards of the move are asked first — a refusal stops nothing and blocks nothing
     * — and after SWITCH NOW the phase is recorded with one {@code flip_writes} audit entry.
     */
    public void flip() {
        flip(null);
    }

    /**
     * Flips although a guard of the phase move refused the last flip (as {@code flip-writes --override
     * --reason}): {@code why} goes to the audit entry with the guards overridden. Nothing without a
     * refusal to override, or without a reason.
     */
    public void overrideRefused(String why) {
        if (!overridable.get()) {
            error.set("No refused flip to override.");
            return;
        }
        if (why == null || why.isBlank()) {
            error.set("An override needs a reason: it goes to the audit log.");
            return;
        }
        flip(why.strip());
    }

    private void flip(String overrideReason) {
        Choice c = choice;
        if (c == null || c.target() == null || !flipBlocked.get().isEmpty()) {
            error.set(flipBlocked.get().isEmpty() ? "Nothing to flip." : flipBlocked.get());
            return;
        }
        WriteFlip.Side to = c.target();
        Plan p = sync.plan();
        Db oldDb = sync.session().oldDb().get();
        Db newDb = sync.session().newDb().get();
        List<SyncRun> own = new ArrayList<>();
        for (SyncViewModel.Side s : new SyncViewModel.Side[] {sync.forward(), sync.reverse()}) {
            if (s.ours()) {
                own.add(s.ownRun());
            }
        }
        Direction from = to == WriteFlip.Side.NEW ? Direction.FORWARD : Direction.REVERSE;
        Db fromDb = to == WriteFlip.Side.NEW ? oldDb : newDb;
        String redis = sync.session().redisUrl().get();
        boolean withRedis = redis != null && !redis.isBlank();
        progress.clear();
        banner.set("");
        pause.set("");
        nextLabel.set("");
        error.set("");
        outcome.set("");
        overridable.set(false);
        flippedTo = null;
        flipping.set(true);
        sync.reshow();
        Task<Done> task = sync.tasks().run("Flipping writes to the " + to.words(), pr -> {
            try (RedisLink link = withRedis ? RedisLink.open(redis) : null) {
                PhasedFlip phased = new PhasedFlip(new WriteFlip(oldDb, newDb, p, LOCK_TIMEOUT_MILLIS, LOCK_ATTEMPTS, MAX_PAUSE_MILLIS),
                        p.name(), link == null ? null : plane(link, redis, oldDb, newDb, p), redis, Actor.current());
                PhasedFlip.Decided decided = null;
                if (link == null) {
                    line("No Redis: the phase is not checked or moved and no audit entry is written (connect Redis, or move the phase"
                            + " on the Traffic & phase screen).");
                } else {
                    // refused: nothing stopped, nothing blocked
                    decided = phased.decide(to, overrideReason == null ? "" : overrideReason, overrideReason != null);
                    line(decided.move() + " (" + decided.verdict() + "); recorded after the switch");
                    decided.checkLines().forEach(l -> line(ConsoleWords.of(l)));
                }
                if (c.stopsOtherSync()) {
                    if (link == null) {
                        throw new DbException("the stream runs in another process and Redis is not connected here to ask it to stop;"
                                + " nothing was blocked");
                    }
                    line("Asking the 'cutover sync' in another process to stop after its batch in hand (through Redis)…");
                    if (!SyncRun.stopElsewhere(link, fromDb, p, from == Direction.REVERSE, Actor.current(), "console: flip writes to the "
                            + to.words(), OTHER_STOP_MILLIS)) {
                        throw new DbException("the 'cutover sync' in another process did not let go of its slot within " + OTHER_STOP_MILLIS / 1000
                                + " s (it hears the request with its status write, about once a second); nothing was blocked: writes go to the "
                                + (to == WriteFlip.Side.NEW ? "old" : "new") + " database as before");
                    }
                    line("It stopped; the flip streams from its slot now.");
                }
                if (!own.isEmpty()) {
                    line("Stopping the sync running in this console (the batch in hand is applied and confirmed first)…");
                    for (SyncRun run : own) {
                        run.stop();
                        if (!run.awaitEnd(30_000)) {
                            throw new DbException("the sync running in this console did not stop within 30 s; nothing was blocked: writes go to the "
                                    + (to == WriteFlip.Side.NEW ? "old" : "new") + " database as before");
                        }
                    }
                    new SyncSlot(fromDb, p, from).awaitReleased(10_000);
                }
                PhasedFlip.Flipped flipped = phased.flip(to, this::line, () -> BackgroundTasks.fx(() -> banner.set(switchLine(to))));
                if (flipped.forgotSpentStream()) {
                    line("The dropped stream's status is removed from Redis (the phase guards no longer wait for it).");
                }
                if (decided == null) {
                    return new Done(flipped.result(), null, null);
                }
                try {
                    return new Done(flipped.result(), phased.record(decided, flipped.result()).line(), null);
                } catch (RuntimeException e) {
                    return new Done(flipped.result(), null, "Writes moved to the " + to.words() + " (switch now), but the phase could not"
                            + " be recorded in Redis: " + Problems.oneLine(e) + "; record it on the Traffic & phase screen (move to "
                            + decided.to().wireName() + ", Override… with a reason)");
                }
            }
        }, done -> {
            flipping.set(false);
            flippedTo = to;
            banner.set(switchLine(to));
            pause.set(pauseLine(done.result()));
            nextLabel.set(to == WriteFlip.Side.NEW ? "Start the reverse stream" : "Start the forward stream");
            if (done.recorded() != null) {
                progress.add(capital(done.recorded()) + ".");
            }
            if (done.notRecorded() != null) {
                error.set(done.notRecorded());
            }
            sync.reshow();
            sync.refresh();
        }, e -> {
            flipping.set(false);
            banner.set("");
            error.set(e instanceof PhasedFlip.Refused r ? refusalLine(r) : capital(Problems.oneLine(e)));
            refusedTo = to;
            refusedGuards = e instanceof PhasedFlip.Refused r
                    ? r.failed().stream().map(g -> ConsoleWords.withoutOverrideHint(g.toString())).distinct().toList()
                    : List.of();
            overridable.set(e instanceof PhasedFlip.Refused r && r.kind() == PhasedFlip.Refusal.GUARDS);
            sync.reshow();
            sync.refresh();
        });
        BackgroundTasks.onCancelled(task, () -> {
            flipping.set(false);
            banner.set("");
            error.set("The flip was cancelled: a block it made is lifted again (the writes line above shows where writes go).");
            sync.reshow();
            sync.refresh();
        });
    }

    /** "Refused, nothing blocked: …" in the console's words (without the override hint: Override… is next to the line). */
    static String refusalLine(PhasedFlip.Refused r) {
        return "Refused, nothing blocked: " + ConsoleWords.withoutOverrideHint(r.getMessage()) + ".";
    }

    /**
     * The migration's control plane on {@code link}, as the Traffic & phase screen makes it: the
     * witness in the new database, the last state seen on this machine, the guards comparing a
     * verification with these databases and plan.
     */
    private static ControlPlane plane(RedisLink link, String redisUrl, Db oldDb, Db newDb, Plan p) {
        ControlStore store = ControlStore.standard(link, redisUrl, p.name(), newDb);
        return new ControlPlane(store, new Guards(store, GuardSettings.defaults(), System::currentTimeMillis,
                () -> new VerifiedPair(DbIdentity.of(oldDb), DbIdentity.of(newDb), VerifiedPair.planHash(p))));
    }

    /** Starts the stream from the side writes moved to (the one click after a flip). */
    public void startNext() {
        WriteFlip.Side to = flippedTo;
        if (to == null) {
            return;
        }
        nextLabel.set("");
        sync.startWhenRead(to == WriteFlip.Side.NEW ? sync.reverse() : sync.forward());
    }

    /**
     * Lifts the block the choice names (after the confirmation); with Redis, one {@code flip_writes}
     * audit entry when a block was lifted, the phase kept ({@link PhasedFlip#recordUndo}).
     */
    public void undo() {
        Choice c = choice;
        if (c == null || c.undo() == null || flipping.get()) {
            error.set(flipping.get() ? "A write flip is running." : "No write block to lift.");
            return;
        }
        WriteFlip.Side side = c.undo();
        Plan p = sync.plan();
        Db oldDb = sync.session().oldDb().get();
        Db newDb = sync.session().newDb().get();
        String redis = sync.session().redisUrl().get();
        WriteFlip flip = new WriteFlip(oldDb, newDb, p);
        error.set("");
        outcome.set("");
        overridable.set(false);
        sync.tasks().run("Lifting the write block on the " + side.words(), pr -> {
            if (!flip.undo(side)) {
                return "No write block on the " + side.words() + ": nothing changed.";
            }
            String lifted = "Write block on the " + side.words() + " lifted: it takes writes again.";
            if (redis == null || redis.isBlank()) {
                return lifted;
            }
            try (RedisLink link = RedisLink.open(redis)) {
                PhasedFlip.UndoAudit a = new PhasedFlip(flip, p.name(), plane(link, redis, oldDb, newDb, p), redis, Actor.current())
                        .recordUndo(side);
                return lifted + (a.after() == null ? " No audit entry written: " + ConsoleWords.of(a.notWritten()) + "."
                        : " Audited as flip_writes (phase " + a.after().phase().wireName() + " kept: lifting a block moves no writes).");
            } catch (RuntimeException e) {
                return lifted + " No audit entry written: " + Problems.oneLine(e) + ".";
            }
        }, said -> {
            outcome.set(said);
            banner.set("");
            pause.set("");
            nextLabel.set("");
            sync.refresh();
        }, e -> error.set("Not lifted: " + Problems.oneLine(e)));
    }

    private void line(String l) {
        String shown = capital(l);
        BackgroundTasks.fx(() -> progress.add(shown));
    }

    static String switchLine(WriteFlip.Side to) {
        return "Switch the application's writes to the " + to.words() + " now";
    }

    /** "Write pause 583 ms (block 185 ms + catch-up 397 ms, 60 changes in it)…" and what follows from it. */
    static String pauseLine(WriteFlip.Result r) {
        String from = r.to() == WriteFlip.Side.NEW ? "old" : "new";
        return String.format(Locale.ROOT, "Write pause %,d ms (block %,d ms + catch-up %,d ms, %,d changes caught up in it)."
                        + " Until the application switches, its writes to the %s database fail with SQLSTATE 25006 (read_only_sql_transaction);"
                        + " reads go on. Slot %s dropped%s; the %s stream starts at slot %s, made before the pause, so no write is lost"
                        + " while it is not running.", r.pauseMillis(), r.blockMillis(), r.catchUpMillis(), r.changesInPause(), from,
                r.droppedSlot(), r.liftedBlockOnTarget() ? "; the " + r.to().words() + "'s write block (from the earlier flip) lifted" : "",
                r.to() == WriteFlip.Side.NEW ? "reverse" : "forward", r.nextSlot());
    }

    private static String capital(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
