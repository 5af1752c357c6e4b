package dev.cutover.cli;

import dev.cutover.app.WriteFlip;
import dev.cutover.control.Actor;
import dev.cutover.control.ConflictException;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlView;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.GuardRefusedException;
import dev.cutover.control.Guards;
import dev.cutover.control.Phase;
import dev.cutover.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cutover flip-writes}: moves the side that takes writes, for an application without the router (docs/sync.md). */
@Command(name = "flip-writes", mixinStandardHelpOptions = true,
        description = {"Moves writes to the other database for an application without the router, with change capture (docs/sync.md,",
                "\"The write flip\"): catches up, makes the next stream's slot, blocks writes on the side they leave (a trigger",
                "refusing them with SQLSTATE 25006), catches up to the block, drops the spent slot, then says SWITCH NOW",
                "and the pause it caused. Stop 'cutover sync' first: flip-writes streams itself. --undo lifts a block.",
                "With --redis it is the phase move too: --to new checks the guards of 'cutover phase new_primary' before",
                "anything is blocked (--override --reason to pass a failed one, audited) and records new_primary after",
                "SWITCH NOW; --to old records the rollback to traffic_shift; each flip (and an --undo that lifted a block)",
                "writes one audit entry 'flip_writes' with the pause. Without Redis nothing is checked or recorded.",
                "Exit status: 0 flipped (or undone); 1 refused by a guard or the phase (nothing blocked), or flipped but",
                "not recorded in Redis (the line says how to record it); 2 error (any block it made is lifted again)."})
public final class FlipWritesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Mixin
    GuardOptions guardOptions;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why (written to the audit entry; required with --override)")
    String reason = "";

    @Option(names = "--override", description = "flip although a guard of the move to new_primary refuses (needs --reason; audited)")
    boolean override;

    @Option(names = "--to", required = true, paramLabel = "new|old",
            description = "where writes go: new (after the forward stream), or old (back, after the reverse stream); with --undo: the side to let writes through again")
    String to;

    @Option(names = "--undo", description = "lift the write block on the --to side (disables, then drops its triggers) and do nothing else")
    boolean undo;

    @Option(names = "--max-pause", paramLabel = "TIME", converter = DurationConverter.class,
            description = "give up (and lift the block) when the catch-up inside the pause takes longer (default: ${DEFAULT-VALUE})")
    Duration maxPause = Duration.ofSeconds(30);

    @Option(names = "--lock-timeout", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long the block waits for writers in flight per try, 5 tries (default: ${DEFAULT-VALUE})")
    Duration lockTimeout = Duration.ofSeconds(2);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        WriteFlip.Side side;
        try {
            side = WriteFlip.Side.parse(to);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (maxPause.isZero() || maxPause.isNegative() || lockTimeout.isZero() || lockTimeout.isNegative()) {
            throw new UserError("--max-pause and --lock-timeout must be more than 0");
        }
        WriteFlip flip = new WriteFlip(connections.oldDb(), connections.newDb(), plan, lockTimeout.toMillis(), 5, maxPause.toMillis());
        String name = "flip-writes " + plan.name();
        if (override && (reason == null || reason.isBlank())) {
            throw new UserError("--override needs --reason \"why\" (it goes to the audit entry)");
        }
        try (ControlSession control = connections.redisGiven() ? new ControlSession(connections, planOptions, guardOptions.settings()) : null) {
            if (undo) {
                return undo(flip, side, name, control, out);
            }
            ControlPlane.Decision decided = null;
            if (control == null) {
                out.println(name + ": no --redis: the phase is not checked or moved and no audit entry is written (give --redis,"
                        + " or record the move with 'cutover phase')");
            } else {
                decided = decide(control, side, name, out);
                if (decided == null) {
                    return ExitCodes.FOUND;
                }
            }
            out.flush();
            return flip(flip, side, plan, name, control, decided, out);
        }
    }

    /**
     * The phase move the flip is, decided before anything is blocked: the guards of the move (those
     * of {@code cutover phase new_primary} for a flip to new), the change-capture one met by the
     * flip's own catch-up. Null (with the refusal said) when the flip may not run.
     */
    private ControlPlane.Decision decide(ControlSession control, WriteFlip.Side side, String name, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        ControlView view = control.store.view();
        if (view.isLost()) {
            err.println("cutover: " + name + ": nothing blocked: " + view.lost() + ControlSession.RESTORE_WITH);
            return null;
        }
        control.requireWitnessToStart(view);
        ControlState now = view.state();
        Phase target = side.phaseAfter(now.phase());
        if (target == null) {
            err.println("cutover: " + name + ": nothing blocked: migration " + control.migration + " is in phase " + now.phase().wireName()
                    + ", where writes are on the new database for good; a flip to new has nothing to move");
            return null;
        }
        ControlPlane.Decision d;
        try {
            d = control.plane.decide(now, target, reason, override, c -> Guards.SYNC_CAUGHT_UP.equals(c.name()));
        } catch (GuardRefusedException e) {
            err.println("cutover: " + name + ": nothing blocked: " + e.getMessage());
            return null;
        }
        String move = now.phase() == target ? "phase " + target.wireName() + " kept" : "phase " + now.phase().wireName() + " → "
                + target.wireName();
        out.println(name + ": " + move + (d.checks().isEmpty() ? " (no guard)" : d.overridden().isEmpty() ? " (guards pass)"
                : " (guards overridden, audited)") + "; recorded after SWITCH NOW");
        out.print(ControlText.guards(d.checks().stream().filter(c -> !d.waived().contains(c)).toList(), "  "));
        for (GuardCheck c : d.waived()) {
            out.println("  ✓ " + c.name() + ": met by the flip itself, which catches up to a watermark written after the block"
                    + (c.ok() ? "" : " (the stopped sync's status: " + c.detail() + ")"));
        }
        return d;
    }

    /** {@code --undo}: lifts the block; with Redis, one audit entry when a block was lifted (the phase is not moved). */
    private int undo(WriteFlip flip, WriteFlip.Side side, String name, ControlSession control, PrintWriter out) {
        boolean lifted = flip.undo(side);
        out.println(name + ": " + (lifted ? "write block on the " + side.words() + " lifted: it takes writes again"
                : "no write block on the " + side.words()));
        if (lifted && control == null) {
            out.println(name + ": no --redis: no audit entry written");
        } else if (lifted) {
            try {
                ControlView view = control.store.view();
                if (view.isLost() || view.state().version() == 0) {
                    out.println(name + ": no audit entry written: " + (view.isLost() ? view.lost() : "migration " + control.migration
                            + " has no control state in Redis"));
                    out.flush();
                    return ExitCodes.OK;
                }
                ControlState now = view.state();
                ControlState after = record(control, new ControlPlane.Decision(now, now.phase(), List.of(), List.of(), ""),
                        "flip-writes --undo --to " + side.name().toLowerCase(Locale.ROOT) + ": write block on the " + side.words() + " lifted");
                out.println(name + ": audited as flip_writes (version " + after.version() + "; phase " + after.phase().wireName()
                        + " kept: lifting a block moves no writes)");
                control.warnWitness(spec.commandLine().getErr());
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("cutover: WARNING: " + name + ": the block is lifted, but no audit entry was written: "
                        + Errors.describe(e));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int flip(WriteFlip flip, WriteFlip.Side side, Plan plan, String name, ControlSession control, ControlPlane.Decision decided,
                     PrintWriter out) throws InterruptedException {
        // Ctrl-C or SIGTERM during the flip: interrupt it, so that a block it made is lifted before the JVM ends
        Thread flipping = Thread.currentThread();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        WriteFlip.Result r;
        WriteFlip.Side leaving = side == WriteFlip.Side.NEW ? WriteFlip.Side.OLD : WriteFlip.Side.NEW;
        try (StopHook hook = new StopHook(() -> {
            flipping.interrupt(); // a wait for the stream ends at once and the flip lifts its block itself
            try {
                // a database call does not hear an interrupt: then, unless the flip is already past the point of no
                // return (dropping the spent slot), cancel it and lift the block from here
                if (!done.await(5, java.util.concurrent.TimeUnit.SECONDS) && flip.cancel()) {
                    boolean lifted = flip.undo(leaving);
                    spec.commandLine().getErr().println("cutover: flip-writes " + plan.name() + " stopped by a signal"
                            + (lifted ? "; the block on the " + leaving.words() + " is lifted again: writes go there as before" : ""));
                    spec.commandLine().getErr().flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("cutover: flip-writes " + plan.name() + " stopped by a signal; the block on the "
                        + leaving.words() + " could NOT be lifted (" + Errors.describe(e) + "): run 'cutover flip-writes --undo --to "
                        + leaving.name().toLowerCase(Locale.ROOT) + "'");
                spec.commandLine().getErr().flush();
            }
        })) {
            r = flip.flip(side, line -> {
                out.println(name + ": " + line);
                out.flush();
            }, () -> {
                out.println("SWITCH NOW: point the application's writes at the " + side.words() + ".");
                out.flush();
            });
        } catch (RuntimeException e) {
            // said here, before the stop hook lets a signalled JVM end
            spec.commandLine().getErr().println("cutover: " + Errors.describe(e));
            spec.commandLine().getErr().flush();
            return ExitCodes.ERROR;
        } finally {
            done.countDown();
        }
        if (control != null && WriteFlip.forgetSpentStream(connections.redisUrl(), plan.name(), side)) {
            out.println(name + ": the dropped stream's status removed from Redis (the phase guards no longer wait for it)");
        }
        out.printf(Locale.ROOT, "%s: write pause %,d ms (block %,d ms + catch-up %,d ms, %,d changes); slot %s dropped%s%n", name,
                r.pauseMillis(), r.blockMillis(), r.catchUpMillis(), r.changesInPause(), r.droppedSlot(),
                r.liftedBlockOnTarget() ? "; the " + side.words() + "'s write block (from the earlier flip) lifted" : "");
        out.println("until the application switches, its writes to the " + (side == WriteFlip.Side.NEW ? "old" : "new")
                + " database fail with SQLSTATE 25006 (read_only_sql_transaction), reads go on");
        out.println("next: " + r.nextCommand() + " --plan … --old … --new … — it starts at slot " + r.nextSlot()
                + ", made before the pause, so no write is lost while it is not running");
        out.flush();
        return control == null ? ExitCodes.OK : recordFlip(control, decided, side, r, name, out);
    }

    /** After SWITCH NOW: the phase the writes are in now, one audit entry with the pause. */
    private int recordFlip(ControlSession control, ControlPlane.Decision decided, WriteFlip.Side side, WriteFlip.Result r, String name,
                           PrintWriter out) {
        String why = String.format(Locale.ROOT, "flip-writes --to %s: write pause %d ms (block %d ms + catch-up %d ms, %d changes)%s",
                side.name().toLowerCase(Locale.ROOT), r.pauseMillis(), r.blockMillis(), r.catchUpMillis(), r.changesInPause(),
                reason == null || reason.isBlank() ? "" : "; " + reason);
        try {
            ControlState after = record(control, decided, why);
            out.println(name + ": " + (decided.seen().phase() == after.phase() ? "phase " + after.phase().wireName() + " kept"
                    : "phase " + decided.seen().phase().wireName() + " → " + after.phase().wireName()) + " (version " + after.version()
                    + ", write target " + after.writeTarget().wireName() + "), audited as flip_writes"
                    + (decided.overridden().isEmpty() ? "" : "; override audited: " + decided.overridden()));
            control.warnWitness(spec.commandLine().getErr());
            out.flush();
            return ExitCodes.OK;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("cutover: " + name + ": writes moved to the " + side.words() + " (SWITCH NOW above), but the"
                    + " phase could not be recorded in Redis: " + Errors.describe(e) + "; record it with 'cutover phase "
                    + decided.to().wireName() + " --override --reason \"flip-writes\"'");
            spec.commandLine().getErr().flush();
            return ExitCodes.FOUND;
        }
    }

    /**
     * Records {@code d}; when the state changed since it was decided (a console, another command),
     * over the state now: the writes have moved, the record follows them (its guards were asked
     * before the pause).
     */
    private static ControlState record(ControlSession control, ControlPlane.Decision d, String why) {
        for (int attempt = 1; ; attempt++) {
            try {
                return control.plane.apply(d, Actor.current(), ControlStore.ACTION_FLIP_WRITES, why);
            } catch (ConflictException e) {
                if (attempt == 3) {
                    throw e;
                }
                d = d.over(e.current());
            }
        }
    }
}
