package dev.cutover.app;

import dev.cutover.control.Actor;
import dev.cutover.control.ConflictException;
import dev.cutover.control.ControlException;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlView;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.GuardRefusedException;
import dev.cutover.control.Guards;
import dev.cutover.control.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The write flip as the phase move it is (docs/sync.md, "The write flip and the phases"): the one
 * workflow {@code cutover flip-writes} and the console's Flip both run. With a control plane
 * (Redis): {@link #decide} asks the guards of the move before anything is blocked (those of
 * {@code new_primary} for a flip to new; the change-capture guard met by the flip's own catch-up),
 * {@link #flip} runs the {@link WriteFlip}, {@link #record} writes the phase and one
 * {@code flip_writes} audit entry after SWITCH NOW (over a newer state when it changed meanwhile),
 * and {@link #recordUndo} audits an undo that lifted a block. Without one the flip runs alone and
 * nothing is checked or recorded.
 */
public final class PhasedFlip {
    /** Why {@link #decide} refused: nothing was blocked. */
    public enum Refusal {
        /** Redis lost the control state: restore it first. */
        LOST,
        /** No control state and no witness (the new database) to start one with. */
        NO_WITNESS,
        /** Writes are on the new database for good (cleanup): a flip to new has nothing to move. */
        NOTHING_TO_MOVE,
        /** A guard of the move refuses, and there was no override. */
        GUARDS
    }

    /** A flip refused before anything was blocked: the message is one line, {@link #failed()} the failed guards (if any). */
    public static final class Refused extends ControlException {
        private static final long serialVersionUID = 1L;
        private final transient Refusal kind;
        private final transient ControlView view;
        private final transient List<GuardCheck> failed;

        Refused(Refusal kind, String message, ControlView view, List<GuardCheck> failed) {
            super(message);
            this.kind = kind;
            this.view = view;
            this.failed = List.copyOf(failed);
        }

        public Refusal kind() {
            return kind;
        }

        /** The control state as read when refused. */
        public ControlView view() {
            return view;
        }

        public List<GuardCheck> failed() {
            return failed;
        }
    }

    /** The move decided before the block, for display: from which phase to which, and every guard asked. */
    public record Decided(WriteFlip.Side side, ControlPlane.Decision decision, String reason) {
        /** "phase traffic_shift → new_primary", or "phase traffic_shift kept". */
        public String move() {
            return moveWords(decision.seen().phase(), decision.to());
        }

        /** "no guard", "guards pass" or "guards overridden, audited". */
        public String verdict() {
            return decision.checks().isEmpty() ? "no guard" : decision.overridden().isEmpty() ? "guards pass" : "guards overridden, audited";
        }

        /** One line per guard ("✓ name: detail"); a waived one says the flip meets it. */
        public List<String> checkLines() {
            List<String> out = new ArrayList<>();
            for (GuardCheck c : decision.checks()) {
                if (!decision.waived().contains(c)) {
                    out.add(c.toString());
                }
            }
            for (GuardCheck c : decision.waived()) {
                out.add("✓ " + c.name() + ": met by the flip itself, which catches up to a watermark written after the block"
                        + (c.ok() ? "" : " (the stopped sync's status: " + c.detail() + ")"));
            }
            return out;
        }

        /** The phase the flip records. */
        public Phase to() {
            return decision.to();
        }
    }

    /** "phase traffic_shift → new_primary", or "phase traffic_shift kept" when {@code from} is {@code to}. */
    static String moveWords(Phase from, Phase to) {
        return from == to ? "phase " + from.wireName() + " kept" : "phase " + from.wireName() + " → " + to.wireName();
    }

    /** The flip done: its result, and whether the spent stream's status record was removed from Redis. */
    public record Flipped(WriteFlip.Result result, boolean forgotSpentStream) {
    }

    /** The phase recorded after SWITCH NOW: the state it was decided on, the state written, the guards overridden ("" none). */
    public record Recorded(ControlState before, ControlState after, String overridden) {
        /** "phase traffic_shift → new_primary (version 7, write target new_primary), audited as flip_writes[; override audited: …]". */
        public String line() {
            return moveWords(before.phase(), after.phase()) + " (version " + after.version()
                    + ", write target " + after.writeTarget().wireName() + "), audited as " + ControlStore.ACTION_FLIP_WRITES
                    + (overridden.isEmpty() ? "" : "; override audited: " + overridden);
        }
    }

    /** An undo's audit: the state written ({@code after}), or why none was ({@code notWritten}). */
    public record UndoAudit(ControlState after, String notWritten) {
    }

    private final WriteFlip flip;
    private final String migration;
    private final ControlPlane plane;
    private final String redisUrl;
    private final Actor actor;

    /**
     * @param plane    the migration's control plane; null without Redis (nothing checked or recorded)
     * @param redisUrl the same Redis (for the spent stream's status record); null without
     * @param actor    who the audit entries name
     */
    public PhasedFlip(WriteFlip flip, String migration, ControlPlane plane, String redisUrl, Actor actor) {
        this.flip = flip;
        this.migration = migration;
        this.plane = plane;
        this.redisUrl = redisUrl;
        this.actor = actor;
    }

    /** The write flip itself (its {@link WriteFlip#cancel} and {@link WriteFlip#undo}, for a stop from outside). */
    public WriteFlip writeFlip() {
        return flip;
    }

    /** Whether the flip is checked and recorded (a control plane was given). */
    public boolean recorded() {
        return plane != null;
    }

    /**
     * The phase move a flip to {@code side} is, decided now, before anything is blocked: the guards
     * of the move from the phase the state is in, the change-capture one met by the flip's own
     * catch-up. A failed guard refuses unless {@code override} (which needs {@code reason}).
     *
     * @throws Refused the flip may not run (nothing was blocked)
     */
    public Decided decide(WriteFlip.Side side, String reason, boolean override) {
        requirePlane();
        ControlView view = plane.store().view();
        if (view.isLost()) {
            throw new Refused(Refusal.LOST, view.lost(), view, List.of());
        }
        if (plane.store().witness() == null && view.state().version() == 0) {
            throw new Refused(Refusal.NO_WITNESS, "migration " + migration + " has no control state in Redis; starting it (or telling that"
                    + " Redis lost it) needs the new database, where the witness of the state is kept", view, List.of());
        }
        ControlState now = view.state();
        Phase target = side.phaseAfter(now.phase());
        if (target == null) {
            throw new Refused(Refusal.NOTHING_TO_MOVE, "migration " + migration + " is in phase " + now.phase().wireName()
                    + ", where writes are on the new database for good; a flip to new has nothing to move", view, List.of());
        }
        try {
            return new Decided(side, plane.decide(now, target, reason, override, c -> Guards.SYNC_CAUGHT_UP.equals(c.name())),
                    reason == null ? "" : reason);
        } catch (GuardRefusedException e) {
            throw new Refused(Refusal.GUARDS, e.getMessage(), view, e.failed());
        }
    }

    /**
     * Runs the flip ({@link WriteFlip#flip}); with Redis, then removes the spent stream's status
     * record, so the phase guards stop waiting for a stream whose slot is gone.
     */
    public Flipped flip(WriteFlip.Side side, Consumer<String> progress, Runnable switchNow) throws InterruptedException {
        WriteFlip.Result r = flip.flip(side, progress, switchNow);
        boolean forgot = redisUrl != null && !redisUrl.isBlank() && WriteFlip.forgetSpentStream(redisUrl, migration, side);
        return new Flipped(r, forgot);
    }

    /**
     * After SWITCH NOW: records the phase the writes are in now with one {@code flip_writes} audit
     * entry holding the pause (and the reason given). When the state changed since it was decided,
     * over the state now: the writes have moved, the record follows them (its guards were asked
     * before the pause). Throws when Redis cannot be written: the flip stands, record it by hand
     * ({@code cutover phase d.to() --override}).
     */
    public Recorded record(Decided d, WriteFlip.Result r) {
        requirePlane();
        String why = String.format(Locale.ROOT, "flip-writes --to %s: write pause %d ms (block %d ms + catch-up %d ms, %d changes)%s",
                d.side().name().toLowerCase(Locale.ROOT), r.pauseMillis(), r.blockMillis(), r.catchUpMillis(), r.changesInPause(),
                d.reason().isBlank() ? "" : "; " + d.reason());
        return new Recorded(d.decision().seen(), apply(d.decision(), why), d.decision().overridden());
    }

    /**
     * After an undo that lifted the block on {@code side}: one {@code flip_writes} audit entry, the
     * phase kept (lifting a block moves no writes). None, with why, when Redis lost the state or holds none.
     */
    public UndoAudit recordUndo(WriteFlip.Side side) {
        requirePlane();
        ControlView view = plane.store().view();
        if (view.isLost() || view.state().version() == 0) {
            return new UndoAudit(null, view.isLost() ? view.lost() : "migration " + migration + " has no control state in Redis");
        }
        ControlState now = view.state();
        return new UndoAudit(apply(new ControlPlane.Decision(now, now.phase(), List.of(), List.of(), ""), "flip-writes --undo --to "
                + side.name().toLowerCase(Locale.ROOT) + ": write block on the " + side.words() + " lifted"), null);
    }

    private ControlState apply(ControlPlane.Decision d, String why) {
        for (int attempt = 1; ; attempt++) {
            try {
                return plane.apply(d, actor, ControlStore.ACTION_FLIP_WRITES, why);
            } catch (ConflictException e) {
                if (attempt == 3) {
                    throw e;
                }
                d = d.over(e.current());
            }
        }
    }

    private void requirePlane() {
        if (plane == null) {
            throw new IllegalStateException("no control plane: the flip is neither checked nor recorded");
        }
    }
}
