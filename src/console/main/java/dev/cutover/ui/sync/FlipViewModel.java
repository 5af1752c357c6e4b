package dev.cutover.ui.sync;

import dev.cutover.app.SyncRun;
import dev.cutover.app.WriteFlip;
import dev.cutover.capture.SyncSlot;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
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
 * streams from it, and Undo of a block. The flip runs {@link WriteFlip#flip} on the console's
 * background executor, after stopping a sync this console runs; its progress lines arrive as they
 * come, SWITCH NOW becomes a banner with the pause measured, and the stream the other way is one
 * click away. A failure is one line (it says the block was lifted).
 */
public final class FlipViewModel {
    /** How long the block waits for writers in flight per try, and how often it tries (as {@code flip-writes}'s defaults). */
    public static final long LOCK_TIMEOUT_MILLIS = 2000;
    public static final int LOCK_ATTEMPTS = 5;
    /** The longest catch-up inside the pause before the flip gives up and lifts the block ({@code --max-pause}'s default). */
    public static final long MAX_PAUSE_MILLIS = 30_000;

    /** One direction as the flip sees it: the blocked tables on the side it streams from (null: not read yet), its slot, who streams. */
    public record Stream(List<TableRef> blocked, boolean slotExists, boolean otherProcess, boolean ours, String cannotCapture) {
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
                         boolean stopsOwnSync, WriteFlip.Side undo, String undoLabel) {
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

    /** The choice shown now (null before the first reading). */
    public Choice choice() {
        return choice;
    }

    /** What one direction's last reading and lines say, for {@link #choose}. */
    static Stream stream(SyncViewModel.Reading r, SyncViewModel.Lines l, boolean ours) {
        return new Stream(r == null ? null : r.blocked(), l != null && l.slotExists(), l != null && l.otherProcess(), ours,
                r == null ? null : r.cannotCapture());
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
        } else if (from.otherProcess()) {
            why = "Another process streams from slot " + fromSlot + ": stop that 'cutover sync' first (the flip streams itself, so that"
                    + " the pause is only the catch-up after the block).";
        } else if (next.otherProcess()) {
            why = "Another process runs the " + (to == WriteFlip.Side.NEW ? "reverse" : "forward") + " stream: stop that 'cutover sync' first.";
        }
        WriteFlip.Side undo = oldBlocked ? WriteFlip.Side.OLD : newBlocked ? WriteFlip.Side.NEW : null;
        return new Choice(on, writesLine, to, to == WriteFlip.Side.NEW ? "Flip writes to the new database…" : "Flip writes back to the old database…",
                why, from.ours() || next.ours(), undo, undo == null ? "" : undoLabel(undo));
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
    static List<String> confirmSteps(WriteFlip.Side to, String fromSlot, String nextSlot, boolean stopsOwnSync) {
        String from = to == WriteFlip.Side.NEW ? "old database" : "new database";
        String fromStream = to == WriteFlip.Side.NEW ? "forward" : "reverse";
        String nextStream = to == WriteFlip.Side.NEW ? "reverse" : "forward";
        List<String> out = new ArrayList<>();
        int n = 1;
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

    /** Runs the flip the choice offers (after the confirmation); refused with the reason while blocked. */
    public void flip() {
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
        progress.clear();
        banner.set("");
        pause.set("");
        nextLabel.set("");
        error.set("");
        outcome.set("");
        flippedTo = null;
        flipping.set(true);
        sync.reshow();
        Task<WriteFlip.Result> task = sync.tasks().run("Flipping writes to the " + to.words(), pr -> {
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
            WriteFlip.Result r = new WriteFlip(oldDb, newDb, p, LOCK_TIMEOUT_MILLIS, LOCK_ATTEMPTS, MAX_PAUSE_MILLIS)
                    .flip(to, this::line, () -> BackgroundTasks.fx(() -> banner.set(switchLine(to))));
            if (redis != null && !redis.isBlank() && WriteFlip.forgetSpentStream(redis, p.name(), to)) {
                line("The dropped stream's status is removed from Redis (the phase guards no longer wait for it).");
            }
            return r;
        }, result -> {
            flipping.set(false);
            flippedTo = to;
            banner.set(switchLine(to));
            pause.set(pauseLine(result));
            nextLabel.set(to == WriteFlip.Side.NEW ? "Start the reverse stream" : "Start the forward stream");
            sync.reshow();
            sync.refresh();
        }, e -> {
            flipping.set(false);
            banner.set("");
            error.set(capital(Problems.oneLine(e)));
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

    /** Starts the stream from the side writes moved to (the one click after a flip). */
    public void startNext() {
        WriteFlip.Side to = flippedTo;
        if (to == null) {
            return;
        }
        nextLabel.set("");
        sync.startWhenRead(to == WriteFlip.Side.NEW ? sync.reverse() : sync.forward());
    }

    /** Lifts the block the choice names (after the confirmation). */
    public void undo() {
        Choice c = choice;
        if (c == null || c.undo() == null || flipping.get()) {
            error.set(flipping.get() ? "A write flip is running." : "No write block to lift.");
            return;
        }
        WriteFlip.Side side = c.undo();
        Plan p = sync.plan();
        WriteFlip flip = new WriteFlip(sync.session().oldDb().get(), sync.session().newDb().get(), p);
        error.set("");
        outcome.set("");
        sync.tasks().run("Lifting the write block on the " + side.words(), pr -> flip.undo(side), lifted -> {
            outcome.set(lifted ? "Write block on the " + side.words() + " lifted: it takes writes again."
                    : "No write block on the " + side.words() + ": nothing changed.");
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
