package dev.cutover.ui.traffic;

import dev.cutover.app.SyncCleanup;
import dev.cutover.control.Actor;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlFollower;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.FlipStatus;
import dev.cutover.control.FlipWait;
import dev.cutover.control.ControlView;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.GuardRefusedException;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Guards;
import dev.cutover.control.MetricsReader;
import dev.cutover.control.MetricsSecond;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.control.SeenRoutingKeys;
import dev.cutover.control.TrafficSteps;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbIdentity;
import dev.cutover.plan.Plan;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.ConsoleWords;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Traffic & phase screen: the control state of the plan's migration, the exit conditions of
 * the current phase (each guard's state and detail), the audit log, and the commands: advance
 * (refused by failed guards unless overridden with a typed confirmation and a reason), one-click
 * rollback, shift read traffic by steps. Every change goes through {@link ControlPlane}
 * (compare-and-set on the version shown, audited), in the background.
 */
public final class TrafficViewModel {
    /** The routing keys counted for a shift's confirmation: those the routers served in this window. */
    public static final Duration KEYS_WINDOW = Duration.ofMinutes(15);
    /** The request rate shown beside the sample rate is the routers' reads over this last span. */
    public static final int RATE_SECONDS = 60;
    /** The sample rates offered to reach the shadow guard's minimum comparisons (fractions). */
    static final double[] OFFERED_RATES = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    private final Session session;
    private final ObservableValue<Plan> plan;
    private final BackgroundTasks tasks;
    private final Actor actor;
    private final ObjectProperty<ControlState> state = new SimpleObjectProperty<>();
    private final StringProperty lost = new SimpleStringProperty("");
    private final ObjectProperty<Restore> restorable = new SimpleObjectProperty<>();
    private final ObservableList<GuardCheck> exitChecks = FXCollections.observableArrayList();
    /** The phase whose exit conditions {@link #exitChecks} lists; null while those of the phase shown are being read. */
    private final ObjectProperty<Phase> checksOf = new SimpleObjectProperty<>();
    private final ObservableList<AuditEntry> audit = FXCollections.observableArrayList();
    private final StringProperty refusal = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty flip = new SimpleStringProperty("");
    private final BooleanProperty flipPending = new SimpleBooleanProperty(false);
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanProperty connected = new SimpleBooleanProperty(false);
    private final ObjectProperty<SeenRoutingKeys.Seen> seenKeys = new SimpleObjectProperty<>();
    private final ObjectProperty<Refused> refused = new SimpleObjectProperty<>();
    private final IntegerProperty refreshes = new SimpleIntegerProperty();
    /** Counts the changes this console wrote (a move, shift, rollback, sample rate, restore): the status bar follows each at once. */
    private final IntegerProperty changes = new SimpleIntegerProperty();
    /** Why the sample rate typed was not set ("" when it was, or before any): shown under its field. */
    private final StringProperty sampleError = new SimpleStringProperty("");
    /** Requests (served reads) per second over the last {@link #RATE_SECONDS}; null before the first refresh. */
    private final ObjectProperty<Double> readRate = new SimpleObjectProperty<>();
    private final GuardSettings settings = GuardSettings.defaults();

    private ControlPlane plane;
    private RedisLink link;
    private String planeKey;
    private ControlFollower follower;
    /** Only the newest refresh may show its snapshot (an older one can finish later). */
    private long generation;
    /** The state version the message (and a refusal) speaks of: once Redis holds another, it is superseded and cleared. */
    private long messageVersion = -1;
    /** The neutral line last shown ("Migration m · state version n"): replaced by the next one, unlike an action's message. */
    private String neutral = "";
    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(java.time.ZoneOffset.UTC);

    public TrafficViewModel(Session session, BackgroundTasks tasks, Actor actor) {
        this(session, tasks, actor, new SimpleObjectProperty<>());
    }

    /**
     * With the plan open in the console: the phase guards then accept a verification only when it
     * is of the session's old and new databases and of this plan ({@link VerifiedPair}).
     */
    public TrafficViewModel(Session session, BackgroundTasks tasks, Actor actor, ObservableValue<Plan> plan) {
        this.plan = plan;
        this.session = session;
        this.tasks = tasks;
        this.actor = actor;
        session.redisUrl().addListener((o, a, b) -> refresh());
        session.migration().addListener((o, a, b) -> refresh());
    }

    /**
     * What the last refusal refused, so that an override offered beside it overrides exactly that:
     * a phase move ({@code phase} set) or a traffic step ({@code percent} set).
     */
    public record Refused(String reason, Phase phase, Integer percent, List<GuardCheck> failed) {
        public Refused {
            failed = List.copyOf(failed);
        }

        /** The override button's label, naming what it overrides. */
        public String overrideLabel() {
            return phase != null ? "Override: move to " + phase.wireName() + "…" : "Override: set reads to " + percent + " %…";
        }
    }

    /**
     * What Restore… puts back when Redis lost the state: the state {@link ControlPlane#restoring}
     * writes at the phase the loss message names, whether the routing salt is the one known (every
     * tenant keeps its side) and whence it is known.
     */
    public record Restore(String migration, ControlState state, boolean saltKept, String from) {
        /** The confirmation's words: what will be written, as the command line's restore prints it afterwards. */
        public String describe() {
            return "Writes to Redis, for migration " + migration + ":\n"
                    + "  phase " + state.phase().wireName() + ", write target " + state.writeTarget().wireName() + "\n"
                    + "  reads on the new database " + state.readPercent() + " %, shadow sample " + percent(state.shadowSampleRate()) + "\n"
                    + "  version " + state.version() + " (above every version seen, so routers accept it)\n"
                    + "  routing salt " + (saltKept ? "kept: every tenant reads from the side it read from before"
                    : "NEW: no earlier state is known here or in the witness, so tenants may change sides") + "\n"
                    + "From " + from + ". The witness in the new database is updated; the restore is audited with your reason.";
        }
    }

    private record Snapshot(ControlView view, List<GuardCheck> exit, List<AuditEntry> audit, SeenRoutingKeys.Seen keys,
                            double readRate, Restore restore) {
    }

    /** Reads the state, the current phase's exit conditions and the audit log. */
    public void refresh() {
        String url = session.redisUrl().get();
        String migration = session.migration().get();
        if (url == null || migration == null) {
            connected.set(false);
            state.set(null);
            exitChecks.clear();
            checksOf.set(null);
            audit.clear();
            seenKeys.set(null);
            message.set(url == null ? "Connect Redis on the Connections screen" : "Open a plan: its name names the migration");
            return;
        }
        long gen = ++generation;
        tasks.run("Reading the control state", p -> {
            ControlPlane cp = plane(url, migration);
            ControlView v = cp.store().view();
            List<GuardCheck> exit = cp.guards().exitOf(v.state().phase(), v.state());
            List<AuditEntry> entries = new ArrayList<>(cp.store().audit(100));
            java.util.Collections.reverse(entries);
            SeenRoutingKeys.Seen keys = SeenRoutingKeys.read(cp.store().link().sync(), cp.store().keys(),
                    v.state().routingSalt(), KEYS_WINDOW, System.currentTimeMillis());
            long now = System.currentTimeMillis() / 1000;
            MetricsSecond last = new MetricsReader(cp.store().link(), cp.store().keys()).total(now - RATE_SECONDS, now);
            follow(cp);
            return new Snapshot(v, exit, entries, keys, servedReads(last) / (double) RATE_SECONDS, restoreOffer(cp, v, migration));
        }, s -> {
            if (gen != generation) {
                return;
            }
            connected.set(true);
            long version = s.view().state().version();
            if (!busy.get()) {
                String m = message.get();
                // the last action's words (a refusal above all) speak of a state Redis no longer holds, or of guards
                // that hold now: a refusal of the move out of this phase whose failed guards all pass is no longer true
                boolean superseded = messageVersion >= 0 && version != messageVersion || guardsNowHold(refused.get(), s);
                if (superseded) {
                    refusal.set("");
                    refused.set(null);
                    if (!flipPending.get()) {
                        flip.set("");
                    }
                }
                if (superseded || m.isEmpty() || m.equals(neutral) || m.startsWith("Open a plan") || m.startsWith("Connect Redis")) {
                    neutral = "Migration " + migration + " · state version " + version;
                    message.set(neutral);
                    messageVersion = -1;
                }
            }
            lost.set(s.view().isLost() ? ConsoleWords.of(s.view().lost()) : "");
            restorable.set(s.restore());
            exitChecks.setAll(ConsoleWords.checks(s.exit()));
            checksOf.set(s.view().state().phase());
            state.set(s.view().state());
            audit.setAll(s.audit());
            seenKeys.set(s.keys());
            readRate.set(s.readRate());
            error.set(null);
            refreshes.set(refreshes.get() + 1);
        }, e -> {
            fail(e);
            refreshes.set(refreshes.get() + 1);
        });
    }

    /**
     * Follows changes made elsewhere (the command line, another console, the watchdog's
     * ramp-down): each change the control plane publishes refreshes the screen, so the slider,
     * labels and buttons show what Redis holds, not what was last clicked. Called on the
     * background thread that read the state (subscribing is network I/O).
     */
    private synchronized void follow(ControlPlane cp) {
        if (follower != null) {
            return;
        }
        follower = ControlFollower.start(cp.store(), new ControlFollower.Listener() {
            @Override
            public void changed(ControlState s) {
                BackgroundTasks.fx(TrafficViewModel.this::refreshUnlessBusy);
            }

            @Override
            public void lost(String reason) {
                BackgroundTasks.fx(TrafficViewModel.this::refreshUnlessBusy);
            }
        });
    }

    /** A change arrived: show it, unless a change of ours is running (its end refreshes anyway). */
    private void refreshUnlessBusy() {
        if (!busy.get()) {
            refresh();
        }
    }

    private synchronized void stopFollowing() {
        if (follower != null) {
            follower.close();
            follower = null;
        }
    }

    /** What a restore would write now (off the FX thread); null when the state is not lost or its phase is not known. */
    private static Restore restoreOffer(ControlPlane cp, ControlView v, String migration) {
        Phase phase = v.isLost() ? cp.restorePhase(v) : null;
        if (phase == null) {
            return null;
        }
        ControlState known = v.lastKnown();
        String from = known != null ? "the newest state known (version " + known.version() + ", phase " + known.phase().wireName()
                + ") of the witness in the new database" + (v.witness() == null ? " (not connected)" : "") + ", this console and this machine's last seen state"
                : "the routers' heartbeats: no earlier state is known here or in the witness";
        return new Restore(migration, cp.restoring(v, phase), known != null && !known.routingSalt().isEmpty(), from);
    }

    /**
     * Puts back the state Redis lost, at the phase offered ({@link #restorable()}), with the control
     * plane's own restore ({@link ControlPlane#restore}, as {@code cutover phase NAME --override}
     * runs it): audited with {@code why}; refused (nothing changed) when Redis meanwhile holds a state that is not lost.
     */
    public void restore(String why) {
        Restore r = restorable.get();
        if (r == null) {
            return;
        }
        Phase phase = r.state().phase();
        run("Restoring the control state at " + phase.wireName(), null, cp -> cp.restore(phase, actor, why),
                "Restored the control state at phase " + phase.wireName());
    }

    /** Moves one phase forward; a failed guard refuses it (nothing changes) and says why. */
    public void advance() {
        move(next(), "advanced from the console", false);
    }

    /**
     * Overrides exactly what was refused last, with a reason written to the audit log: the phase
     * move, or the traffic step (never one for the other). Nothing when nothing was refused.
     */
    public void overrideRefused(String why) {
        Refused r = refused.get();
        if (r == null) {
            return;
        }
        if (r.phase() != null) {
            move(r.phase(), why, true);
        } else {
            ControlState seen = state.get();
            if (seen == null) {
                return;
            }
            int percent = r.percent();
            run("Shifting reads to " + percent + " % (override)", null,
                    cp -> cp.setReadPercent(seen, percent, actor, why, true),
                    "Reads on the new database: " + seen.readPercent() + " % → " + percent + " % (override)");
        }
    }

    /** Moves one phase back: always allowed, one click. */
    public void rollback() {
        ControlState s = state.get();
        if (s == null || s.phase().ordinal() == 0) {
            return;
        }
        move(Phase.values()[s.phase().ordinal() - 1], "rollback from the console", false);
    }

    private void move(Phase to, String why, boolean override) {
        ControlState seen = state.get();
        if (seen == null || to == null) {
            return;
        }
        run("Moving to " + to.wireName(), new Refused("", to, null, List.of()), cp -> cp.movePhase(seen, to, actor, why, override),
                "Moved from " + seen.phase().wireName() + " to " + to.wireName(), after -> {
                    if (after.phase() == Phase.CLEANUP) {
                        cleanUpSlots();
                    }
                    if (after.writeTarget() != seen.writeTarget()) {
                        awaitFlip(after);
                    }
                });
    }

    /**
     * What a move to {@code to} from the phase shown does, for its confirmation: the phases, the
     * write target and where the routers then write, the reads, and for cleanup the sync slots
     * dropped ({@link SyncCleanup}) and the end of dual writing; forward, whether the exit
     * conditions shown hold ({@code guards}).
     */
    public String describeMove(Phase to, boolean guards) {
        ControlState s = state.get();
        if (s == null || to == null) {
            return "";
        }
        Phase from = s.phase();
        StringBuilder b = new StringBuilder("Phase: " + from.wireName() + " → " + to.wireName() + ".");
        if (from.writeTarget() != to.writeTarget()) {
            b.append("\nWrite target: ").append(s.writeTarget().wireName()).append(" → ").append(to.writeTarget().wireName())
                    .append(": ").append(routersWrite(to.writeTarget())).append(". The screen then waits up to ")
                    .append(FLIP_TIMEOUT.toSeconds()).append(" s for every live router to follow it.");
        } else {
            b.append("\nWrite target stays ").append(s.writeTarget().wireName()).append(": ").append(routersWrite(to.writeTarget())).append(".");
        }
        int reads = ControlPlane.readPercentAfterMove(from, to, s.readPercent());
        if (to.ordinal() < from.ordinal()) {
            b.append("\n").append(readsAfterRollback(from, to, s.readPercent(), reads));
        } else if (reads != s.readPercent()) {
            b.append("\nReads on the new database: ").append(s.readPercent()).append(" % → ").append(reads).append(" %.");
        }
        if (to == Phase.SHADOW_READ && to.ordinal() > from.ordinal()) {
            b.append("\n").append(shadowAtEntry(s.shadowSampleRate(), readRate.get(), settings));
        }
        if (to == Phase.CLEANUP) {
            b.append("\nCleanup ends the migration's live stage: the routers stop dual writing and the old database is no longer"
                    + " written. The plan's idle replication slots and publications (change capture: forward on the old database,"
                    + " reverse on the new one) are dropped, and the WAL they keep is released; a slot still streamed from is named,"
                    + " not dropped. From then on the old database falls behind: a rollback after cleanup finds it missing every"
                    + " write made since.");
            String missing = cleanupMissing();
            if (missing != null) {
                b.append(" Not checked here: ").append(missing).append(".");
            }
        }
        if (guards && to.ordinal() > from.ordinal()) {
            List<GuardCheck> failing = failingExit();
            if (failing.isEmpty()) {
                b.append("\nIts exit conditions hold as last read; they are checked again when it moves.");
            } else {
                b.append("\nThe move will be refused unless ").append(failing.size() == 1 ? "this exit condition holds"
                        : "these " + failing.size() + " exit conditions hold").append(" when it runs (as last read, ")
                        .append(failing.size() == 1 ? "it does" : "they do").append(" not; Override… then asks for a reason):");
                failing.forEach(g -> b.append("\n✗ ").append(g.name()).append(g.detail().isEmpty() ? "" : ": " + g.detail()));
            }
        } else if (to.ordinal() < from.ordinal()) {
            if (from == Phase.CLEANUP) {
                // the walk: "Moving back is always allowed" alone, although the old side missed every write since cleanup
                b.append("\nThe old database has not been written since cleanup: it misses every write made since. Verify (reverse:"
                        + " the new database is the truth) and Repair all on the Verify screen bring it back before anything reads it.");
            }
            b.append("\nMoving back is always allowed.");
        }
        return b.toString();
    }

    /**
     * What the override dialog lists: for a refused move to the next phase, the exit conditions that
     * fail as last read ({@code failingNow}, the guard lines above it), not as they read when the move
     * was refused (the walk's dialog said "0 of 168 compared" while the audit recorded 1,293): the
     * override records the guards as they are when it runs. Else, and while nothing fails as last read,
     * what the refusal named; a refusal without guards (a traffic step) in its own words, once.
     */
    static List<String> overrideReasons(Refused r, List<GuardCheck> failingNow, ControlState now) {
        boolean nextPhase = r.phase() != null && now != null && r.phase().ordinal() == now.phase().ordinal() + 1;
        if (nextPhase && !failingNow.isEmpty()) {
            return failingNow.stream().map(GuardCheck::toString).toList();
        }
        return r.failed().isEmpty() ? List.of(r.reason().replace(ConsoleWords.OVERRIDE_WORDS, ""))
                : r.failed().stream().map(GuardCheck::toString).toList();
    }

    /** The exit conditions shown that do not hold (those of the phase shown; empty while they are being read). */
    public List<GuardCheck> failingExit() {
        ControlState s = state.get();
        return s == null || checksOf.get() != s.phase() ? List.of() : exitChecks.stream().filter(g -> !g.ok()).toList();
    }

    /**
     * Where reads go after a rollback from {@code from} to {@code to}, as {@link ControlPlane#readPercentAfterMove}
     * decides: below traffic_shift every read goes back to the old database (0 %); a rollback from
     * new_primary into traffic_shift keeps them at 100 % on the new one until the slider ramps them down.
     */
    static String readsAfterRollback(Phase from, Phase to, int before, int after) {
        if (after == 0 && before > 0) {
            return "Reads: every read goes back to the old database (reads on the new database " + before + " % → 0 %).";
        }
        if (after == 0) {
            return "Reads stay on the old database (0 % on the new one).";
        }
        if (to == Phase.TRAFFIC_SHIFT) {
            return "Reads stay on the new database at " + after + " %: rolling back into traffic_shift keeps them there"
                    + " until you ramp them down with the read-traffic slider.";
        }
        return "Reads stay on the new database at " + after + " %.";
    }

    /**
     * What shadow_read compares at: the sample rate in Redis (0 % is raised to the default on entry,
     * as {@link ControlPlane#sampleRateAfterMove} does), and how long the shadow guard's comparisons take
     * at the routers' current read rate, when known.
     */
    static String shadowAtEntry(double current, Double readsPerSecond, GuardSettings g) {
        double rate = ControlPlane.sampleRateAfterMove(Phase.SHADOW_READ, current);
        String needs = String.format(Locale.ROOT, "%,d", g.minCompared());
        String at = "Shadow reads: the routers compare " + percent(rate) + " of reads"
                + (rate != current ? " (the sample rate in Redis is " + percent(current) + "; entering shadow_read sets " + percent(rate) + ")"
                : " (the sample rate in Redis)") + ".";
        if (readsPerSecond == null || readsPerSecond <= 0 || rate <= 0) {
            return at + " How long the guard's " + needs + " comparisons take is not known: no router reported reads in the last "
                    + RATE_SECONDS + " s.";
        }
        return at + " At " + number(readsPerSecond) + " reads/s the guard is met ~" + duration(earliestSeconds(readsPerSecond * rate, g))
                + " after shadow reads start (" + needs + " compared, over reads that cover its " + window(g) + " window).";
    }

    /** Where the routers write under a write target, in words ("the routers write to the new database only; …"). */
    public static String routersWrite(dev.cutover.control.WriteTarget t) {
        return switch (t) {
            case OLD_ONLY -> "the routers write to the old database only; the new one is not written";
            case DUAL_WRITE -> "the routers write to the old database, then mirror each write to the new one";
            case NEW_PRIMARY -> "the routers write to the new database, then mirror each write to the old one";
            case NEW_ONLY -> "the routers write to the new database only; the old one is no longer written";
        };
    }

    /** Why the sync slots cannot all be checked at cleanup (no plan, a database not connected), null when they can. */
    private String cleanupMissing() {
        List<String> missing = new ArrayList<>();
        if (plan.getValue() == null) {
            missing.add("no plan is open");
        }
        if (session.oldDb().get() == null) {
            missing.add("the old database is not connected");
        }
        if (session.newDb().get() == null) {
            missing.add("the new database is not connected");
        }
        return missing.isEmpty() ? null : String.join(", ", missing) + " (Drop slot… on Change capture drops a slot later)";
    }

    /** After the move to cleanup: the plan's idle sync slots and publications are dropped, as {@code cutover phase cleanup} does. */
    private void cleanUpSlots() {
        Plan p = plan.getValue();
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        if (p == null || (oldDb == null && newDb == null)) {
            message.set(message.get() + "; sync slots not checked: " + cleanupMissing());
            return;
        }
        String moved = message.get();
        tasks.run("Dropping the idle sync slots", pr -> SyncCleanup.dropIdleSlots(oldDb, newDb, p), lines -> message.set(moved
                        + (lines.isEmpty() ? "; no sync slot of this plan to drop" : "; cleanup: " + String.join("; ", lines))),
                e -> message.set(moved + "; sync slots not dropped: " + Problems.oneLine(e)));
    }

    /** How long a phase move waits for the routers to follow a write-target change, as {@code cutover phase} does. */
    public static final java.time.Duration FLIP_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * The flip's second step, as the command line waits for it ({@link FlipWait}): the new state is in
     * force; this follows, off the FX thread, until every live router has acknowledged its version
     * and nothing from the earlier write target is queued, or {@link #FLIP_TIMEOUT}. The line it
     * keeps up to date ({@link #flip()}) says who is still behind; the screen stays usable (roll back
     * included) and a timeout rolls nothing back.
     */
    private void awaitFlip(ControlState after) {
        String url = session.redisUrl().get();
        String migration = session.migration().get();
        String waiting = "Waiting up to " + FLIP_TIMEOUT.toSeconds() + " s for every live router to acknowledge version "
                + after.version() + " (write target " + after.writeTarget().wireName() + ")";
        flip.set(waiting + "…");
        flipPending.set(true);
        long started = System.nanoTime();
        tasks.run("Waiting for the routers to follow " + after.writeTarget().wireName(), p -> {
            FlipWait wait = new FlipWait(plane(url, migration).store(), FlipWait.DEFAULT_LIVE_WITHIN);
            long end = started + FLIP_TIMEOUT.toNanos();
            while (true) {
                FlipStatus st = wait.status(after);
                long now = System.nanoTime();
                if (st.complete() || now >= end || p.isCancelled()) {
                    return st;
                }
                long waited = (now - started) / 1_000_000;
                p.update(waited, FLIP_TIMEOUT.toMillis(), null);
                String line = waiting + ": " + st.describe(System.currentTimeMillis()) + " (" + waited / 1000 + " s)";
                BackgroundTasks.fx(() -> flip.set(line));
                Thread.sleep(250);
            }
        }, st -> {
            long now = System.currentTimeMillis();
            // the line first: whoever sees the wait end reads how it ended
            flip.set(st.complete() ? "Flip complete: " + st.describe(now)
                    : "Flip PENDING after " + FLIP_TIMEOUT.toSeconds() + " s: " + st.describe(now) + "; the new state stays in force "
                    + "(not rolled back): routers follow it and each queued write is replayed from the side it was written to");
            flipPending.set(false);
        }, e -> {
            flip.set("Could not follow the flip: " + Problems.oneLine(e) + "; the new state is in force");
            flipPending.set(false);
        });
    }

    /** Shifts read traffic to a step (0, 1, 5, 25, 50, 100). */
    public void shiftReads(int percent, String why) {
        ControlState seen = state.get();
        if (seen == null) {
            return;
        }
        run("Shifting reads to " + percent + " %", new Refused("", null, percent, List.of()),
                cp -> cp.setReadPercent(seen, percent, actor, why, false),
                "Reads on the new database: " + seen.readPercent() + " % → " + percent + " %");
    }

    /**
     * Sets the share of reads shadow-compared (a fraction 0..1), audited with its reason; the
     * control plane refuses a value outside 0..1 (nothing changes).
     */
    public void setSampleRate(double rate, String why) {
        ControlState seen = state.get();
        if (seen == null) {
            return;
        }
        sampleError.set("");
        run("Setting the shadow sample rate to " + percent(rate), null, cp -> cp.setSampleRate(seen, rate, actor, why),
                "Shadow sample rate: " + percent(seen.shadowSampleRate()) + " → " + percent(rate), null,
                e -> sampleError.set("Sample rate not set: " + e + "; Redis holds " + percent(seen.shadowSampleRate())));
    }

    /**
     * Sets the sample rate typed in its field (a percent 0..100, "%" and a decimal comma allowed),
     * audited as changed from the console; anything else is said in {@link #sampleError()} and changes
     * nothing. False when the text was not a percent.
     */
    public boolean setSampleRate(String typed) {
        ControlState s = state.get();
        if (s == null) {
            return false;
        }
        Double pct = parsePercent(typed);
        if (pct == null) {
            // one line under the field at 1024 px: the value refused, that nothing changed, and what holds
            sampleError.set("\"" + typed.trim() + "\" is not 0–100 %: nothing changed, Redis holds " + percent(s.shadowSampleRate()));
            return false;
        }
        double rate = pct / 100;
        setSampleRate(rate, "shadow sample rate " + percent(s.shadowSampleRate()) + " → " + percent(rate) + " from the console");
        return true;
    }

    /** A percent 0..100 as typed ("2", "0,5 %"), null when it is not one. */
    static Double parsePercent(String typed) {
        String t = typed.trim().replace("%", "").trim().replace(',', '.');
        try {
            double pct = Double.parseDouble(t);
            return pct >= 0 && pct <= 100 ? pct : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The sample rate in Redis as its field shows it: the percent without its sign ("1", "0.5"); "" before a state. */
    public String sampleRateText() {
        ControlState s = state.get();
        return s == null ? "" : percent(s.shadowSampleRate()).replace(" %", "");
    }

    /** Whether the routers' shadow reads count toward a guard in {@code p}: the exit conditions of shadow_read and traffic_shift. */
    public static boolean comparesShadowReads(Phase p) {
        return p == Phase.SHADOW_READ || p == Phase.TRAFFIC_SHIFT;
    }

    /** Why the sample rate is not set on this screen in {@code s}'s phase (outside {@link #comparesShadowReads}). */
    public static String sampleOff(ControlState s) {
        Phase p = s.phase();
        if (p.ordinal() < Phase.SHADOW_READ.ordinal()) {
            return "Set from shadow_read on: no guard counts shadow reads before it (entering shadow_read with 0 % sets "
                    + percent(ControlPlane.DEFAULT_SAMPLE_RATE) + ").";
        }
        if (p == Phase.NEW_PRIMARY) {
            return "Not counted by any guard from new_primary on: the shadow comparison was a guard of shadow_read and traffic_shift;"
                    + " the routers keep sampling " + percent(s.shadowSampleRate()) + " of reads while both databases are written.";
        }
        return "Off in " + p.wireName() + ": the old database is no longer written, so there is nothing to compare reads with.";
    }

    /**
     * The requests of a span: the reads the routers ran, less the shadow reads (every shadow read
     * is counted as a read on its side too, and ends compared or as a shadow error).
     */
    static long servedReads(MetricsSecond m) {
        return Math.max(0, m.reads(false) + m.reads(true) - m.compared() - m.shadowErrors());
    }

    /**
     * How the shadow-read guard's window fills at a request rate and a sample rate: the
     * comparisons it collects, how long its minimum takes, and, when the window falls short, the
     * smallest offered rate that reaches it ("At 200 reads/s and 1 %, the 10-minute window compares
     * ~1,200 reads (1,000 after ~9 min); the guard needs 1,000.").
     */
    static String sampleAdvice(double requestsPerSecond, double rate, GuardSettings g) {
        long windowSeconds = g.mismatchWindow().toSeconds();
        String window = window(g);
        String needs = String.format(Locale.ROOT, "%,d", g.minCompared());
        if (requestsPerSecond <= 0) {
            return "No router reported reads in the last " + RATE_SECONDS + " s: how long the " + window
                    + " window takes to compare the guard's " + needs + " reads is not known.";
        }
        double perSecond = requestsPerSecond * rate;
        long compares = Math.round(perSecond * windowSeconds);
        String at = "At " + number(requestsPerSecond) + " reads/s and " + percent(rate) + ", the " + window + " window compares ~"
                + String.format(Locale.ROOT, "%,d", compares) + " reads";
        if (compares >= g.minCompared()) {
            // the guard also wants shadow reads across its whole window, not only the count (the walk's "after ~3 min" was met at 10)
            return at + "; the guard needs " + needs + " over shadow reads that cover its window: met ~"
                    + duration(earliestSeconds(perSecond, g)) + " after they start.";
        }
        String time = perSecond <= 0 ? "" : " (" + needs + " would take ~" + duration((long) Math.ceil(g.minCompared() / perSecond)) + ")";
        for (double offered : OFFERED_RATES) {
            if (offered > rate && requestsPerSecond * offered * windowSeconds >= g.minCompared()) {
                return at + time + "; the guard needs " + needs + ": set " + percent(offered) + " to reach it.";
            }
        }
        return at + time + "; the guard needs " + needs + ": even 100 % compares only ~"
                + String.format(Locale.ROOT, "%,d", Math.round(requestsPerSecond * windowSeconds)) + " at this read rate.";
    }

    /**
     * The earliest the shadow guard can pass after shadow reads start at {@code comparedPerSecond}: its
     * minimum count compared, and shadow reads covering its window (less the tenth it tolerates), whichever is later.
     */
    static long earliestSeconds(double comparedPerSecond, GuardSettings g) {
        long window = g.mismatchWindow().toSeconds();
        long covered = window - Math.max(1, window / 10);
        return Math.max(covered, (long) Math.ceil(g.minCompared() / comparedPerSecond));
    }

    private static String window(GuardSettings g) {
        return duration(g.mismatchWindow().toSeconds()).replace(" ", "-").replace("min", "minute").replace("-s", "-second").replace("-h", "-hour");
    }

    /** The smallest offered sample rate above {@code rate} whose window reaches the guard's minimum; null when none is needed or none does. */
    static Double suggestedRate(double requestsPerSecond, double rate, GuardSettings g) {
        long windowSeconds = g.mismatchWindow().toSeconds();
        if (requestsPerSecond <= 0 || requestsPerSecond * rate * windowSeconds >= g.minCompared()) {
            return null;
        }
        for (double offered : OFFERED_RATES) {
            if (offered > rate && requestsPerSecond * offered * windowSeconds >= g.minCompared()) {
                return offered;
            }
        }
        return null;
    }

    /** The advice for the state and request rate shown ("" before both are known). */
    public String sampleAdvice() {
        ControlState s = state.get();
        Double r = readRate.get();
        return s == null || r == null ? "" : sampleAdvice(r, s.shadowSampleRate(), settings);
    }

    /** The sample rate the advice offers (null when the current one reaches the guard or no rate would). */
    public Double suggestedRate() {
        ControlState s = state.get();
        Double r = readRate.get();
        return s == null || r == null ? null : suggestedRate(r, s.shadowSampleRate(), settings);
    }

    /** A fraction as a percent without needless digits: 0.01 → "1 %", 0.005 → "0.5 %". */
    public static String percent(double fraction) {
        return new java.math.BigDecimal(fraction * 100).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString() + " %";
    }

    private static String number(double d) {
        return d >= 10 ? String.format(Locale.ROOT, "%,d", Math.round(d)) : String.format(Locale.ROOT, "%.1f", d);
    }

    /** Whole seconds in one unit: "45 s", "9 min", "3 h". */
    static String duration(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 120 ? minutes + " min" : (minutes + 59) / 60 + " h";
    }

    /**
     * What a shift changes, for the confirmation: the move, and how many of the routing keys
     * (tenants) the routers served in the last {@link #KEYS_WINDOW} it moves, counted with their
     * sticky buckets; without any reported key, the share of all keys.
     */
    public String describeShift(int percent) {
        ControlState s = state.get();
        int from = s == null ? 0 : s.readPercent();
        String direction = percent > from ? "from the old database to the new one" : "back from the new database to the old one";
        String refused = TrafficSteps.refusal(from, percent);
        SeenRoutingKeys.Seen seen = seenKeys.get();
        String minutes = KEYS_WINDOW.toMinutes() + " min";
        String keys;
        if (seen == null || seen.count() == 0) {
            keys = "About " + Math.abs(percent - from) + " % of routing keys (tenants) move " + direction
                    + "; each key stays on one side (sticky hash). No router has reported the routing keys it serves in the last "
                    + minutes + ", so their number is not known.";
        } else {
            int moving = seen.moving(from, percent);
            keys = "Moves " + moving + " of " + seen.count() + (seen.capped() ? " most recently seen" : "")
                    + " routing keys (tenants) seen by routers in the last " + minutes + " ("
                    + String.format(Locale.ROOT, "%.1f", 100.0 * moving / seen.count()) + " %) " + direction
                    + "; each key stays on one side (sticky hash).";
        }
        return "Reads on the new database: " + from + " % → " + percent + " %.\n" + keys
                + (refused == null ? "" : "\nThe control plane will refuse this: " + refused + ".");
    }

    private interface Change {
        ControlState apply(ControlPlane cp);
    }

    /** Runs a change; if the control plane refuses it, {@code what} (its phase or percent) is what an override would override. */
    private void run(String title, Refused what, Change change, String done) {
        run(title, what, change, done, null);
    }

    private void run(String title, Refused what, Change change, String done, java.util.function.Consumer<ControlState> then) {
        run(title, what, change, done, then, null);
    }

    /** {@code failed}: where a failure or refusal is said instead of the screen's lines (null: the refusal and message lines). */
    private void run(String title, Refused what, Change change, String done, java.util.function.Consumer<ControlState> then,
                     java.util.function.Consumer<String> failed) {
        String url = session.redisUrl().get();
        String migration = session.migration().get();
        busy.set(true);
        refusal.set("");
        refused.set(null);
        flip.set("");
        tasks.run(title, p -> change.apply(plane(url, migration)), s -> {
            // the state the control plane wrote is shown at once (stepper, exit title, buttons, slider), with the words
            // of the change; the refresh that follows brings its exit conditions and the audit entry
            applied(s);
            said(done, s.version());
            busy.set(false);
            error.set(null);
            refresh();
            if (then != null) {
                then.accept(s);
            }
        }, e -> {
            busy.set(false);
            if (failed != null) {
                failed.accept(ConsoleWords.withoutOverrideHint(Problems.oneLine(e)));
                refresh();
                return;
            }
            if (e instanceof GuardRefusedException g) {
                String reason = refusalWords(g); // its command-line hint becomes the button here
                refusal.set(reason);
                if (what != null) {
                    refused.set(new Refused(reason, what.phase(), what.percent(), ConsoleWords.checks(g.failed())));
                }
                ControlState seen = state.get();
                said("Refused: nothing changed", seen == null ? -1 : seen.version());
            } else {
                fail(e);
            }
            refresh();
        });
    }

    /**
     * Shows a state the control plane just wrote: Redis holds it (not lost); a new phase's exit
     * conditions are not known until the next read, so none of the old phase's stay listed.
     */
    private void applied(ControlState after) {
        ControlState before = state.get();
        if (before == null || before.phase() != after.phase()) {
            exitChecks.clear();
            checksOf.set(null);
        }
        lost.set("");
        restorable.set(null);
        state.set(after);
        changes.set(changes.get() + 1);
    }

    /**
     * A refusal in the console's words: a refused move names each failing exit condition on a line
     * of its own, whole ("✗ name: detail"), never run together with "; " (a detail may hold one);
     * a refusal without guards (a traffic step) as the control plane says it.
     */
    static String refusalWords(GuardRefusedException g) {
        String m = g.getMessage();
        if (g.failed().isEmpty()) {
            return ConsoleWords.of(m);
        }
        int cut = m.indexOf(": " + g.failed().get(0).name() + ": ");
        String head = ConsoleWords.withoutOverrideHint(cut > 0 ? m.substring(0, cut) : "the move is refused");
        StringBuilder b = new StringBuilder(head).append(": ").append(g.failed().size() == 1 ? "this exit condition fails"
                : "these " + g.failed().size() + " exit conditions fail").append(':');
        for (GuardCheck c : ConsoleWords.checks(g.failed())) {
            b.append("\n✗ ").append(c.name()).append(c.detail().isEmpty() ? "" : ": " + c.detail());
        }
        return b.append("\n").append(ConsoleWords.OVERRIDE_WORDS.strip()).toString();
    }

    /** An action's words, with the time it happened, about state {@code version}: cleared once Redis holds another. */
    private void said(String words, long version) {
        message.set(CLOCK.format(java.time.Instant.now()) + " · " + words);
        messageVersion = version;
    }

    private synchronized ControlPlane plane(String url, String migration) {
        Db newDb = session.newDb().get();
        String key = url + "\u0000" + migration + "\u0000" + (newDb == null ? "" : newDb.url());
        if (plane == null || !key.equals(planeKey)) {
            closeLink();
            link = RedisLink.open(url);
            // the last state seen on this machine and the witness in the new database: a lost Redis state is noticed here too
            ControlStore store = ControlStore.standard(link, url, migration, newDb);
            plane = new ControlPlane(store, new Guards(store, GuardSettings.defaults(), System::currentTimeMillis, this::here));
            planeKey = key;
        }
        return plane;
    }

    /** The databases and plan the guards compare a verification with (read off the FX thread, as the guards run in the background). */
    private VerifiedPair here() {
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        Plan p = plan.getValue();
        return new VerifiedPair(oldDb == null ? null : DbIdentity.of(oldDb), newDb == null ? null : DbIdentity.of(newDb),
                p == null ? null : VerifiedPair.planHash(p));
    }

    private void closeLink() {
        stopFollowing();
        if (link != null) {
            link.close();
            link = null;
        }
        plane = null;
    }

    public synchronized void close() {
        stopFollowing();
        closeLink();
    }

    /** The phase after the current one, or null at the last. */
    public Phase next() {
        ControlState s = state.get();
        return s == null || s.phase().ordinal() + 1 >= Phase.values().length ? null : Phase.values()[s.phase().ordinal() + 1];
    }

    private void fail(Throwable e) {
        message.set(ConsoleWords.of(Problems.oneLine(e)));
        error.set(e);
    }

    public ObjectProperty<ControlState> state() {
        return state;
    }

    /** The write-target flip after a phase move: waiting for whom, complete, or pending after the timeout; empty before any. */
    public StringProperty flip() {
        return flip;
    }

    /** True while a phase move waits for the routers to follow its write target. */
    public BooleanProperty flipPending() {
        return flipPending;
    }

    /** Non-empty when Redis lost the state it held (the control plane refuses changes until restored). */
    public StringProperty lost() {
        return lost;
    }

    /** What Restore… would put back (null unless Redis lost the state and the phase it was in is known). */
    public ObjectProperty<Restore> restorable() {
        return restorable;
    }

    public ObservableList<GuardCheck> exitChecks() {
        return exitChecks;
    }

    /** The phase whose exit conditions are listed; null while they are being read (just after a move). */
    public ObjectProperty<Phase> checksOf() {
        return checksOf;
    }

    public ObservableList<AuditEntry> audit() {
        return audit;
    }

    /**
     * Whether {@code r}, a refused move out of the phase just read, failed only on guards that all
     * hold now (each named again in the exit conditions, passed): the refusal no longer says what is.
     */
    private static boolean guardsNowHold(Refused r, Snapshot s) {
        if (r == null || r.phase() == null || r.failed().isEmpty() || r.phase().ordinal() != s.view().state().phase().ordinal() + 1) {
            return false;
        }
        return r.failed().stream().allMatch(f -> s.exit().stream().anyMatch(g -> g.name().equals(f.name()) && g.ok()));
    }

    /** Why the last step was refused ("" when it was not). */
    public StringProperty refusal() {
        return refusal;
    }

    /** What the last refusal refused (null when the last change was not refused): what Override… overrides. */
    public ObjectProperty<Refused> refused() {
        return refused;
    }

    /** Counts the changes this console wrote (each a new state in Redis), as they are shown. */
    public IntegerProperty changes() {
        return changes;
    }

    /** Why the sample rate typed was not set, "" when there is nothing to say. */
    public StringProperty sampleError() {
        return sampleError;
    }

    /** Counts the refreshes that finished (with a snapshot or an error): the view re-shows the state after each. */
    public IntegerProperty refreshes() {
        return refreshes;
    }

    public StringProperty message() {
        return message;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    public BooleanProperty busy() {
        return busy;
    }

    public BooleanProperty connected() {
        return connected;
    }

    /** Requests per second the routers served over the last {@link #RATE_SECONDS} (null before the first refresh). */
    public ObjectProperty<Double> readRate() {
        return readRate;
    }

    /** The routing keys routers reported in the last {@link #KEYS_WINDOW} under the current salt (null before the first refresh). */
    public ObjectProperty<SeenRoutingKeys.Seen> seenKeys() {
        return seenKeys;
    }
}
