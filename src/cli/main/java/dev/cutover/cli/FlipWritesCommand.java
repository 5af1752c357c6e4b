package dev.cutover.cli;

import dev.cutover.app.PhasedFlip;
import dev.cutover.app.WriteFlip;
import dev.cutover.control.Actor;
import dev.cutover.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
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
            PhasedFlip phased = new PhasedFlip(flip, plan.name(), control == null ? null : control.plane,
                    control == null ? null : connections.redisUrl(), Actor.current());
            if (undo) {
                return undo(phased, side, name, control, out);
            }
            PhasedFlip.Decided decided = null;
            if (control == null) {
                out.println(name + ": no --redis: the phase is not checked or moved and no audit entry is written (give --redis,"
                        + " or record the move with 'cutover phase')");
            } else {
                decided = decide(phased, control, side, name, out);
                if (decided == null) {
                    return ExitCodes.FOUND;
                }
            }
            out.flush();
            return flip(phased, side, plan, name, control, decided, out);
        }
    }

    /**
     * The phase move the flip is ({@link PhasedFlip#decide}), decided before anything is blocked and
     * printed. Null (with the refusal said) when the flip may not run.
     */
    private PhasedFlip.Decided decide(PhasedFlip phased, ControlSession control, WriteFlip.Side side, String name, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        PhasedFlip.Decided d;
        try {
            d = phased.decide(side, reason, override);
        } catch (PhasedFlip.Refused e) {
            if (e.kind() == PhasedFlip.Refusal.NO_WITNESS) {
                control.requireWitnessToStart(e.view()); // the command line's words: which option gives the new database
            }
            err.println("cutover: " + name + ": nothing blocked: " + e.getMessage()
                    + (e.kind() == PhasedFlip.Refusal.LOST ? ControlSession.RESTORE_WITH : ""));
            return null;
        }
        out.println(name + ": " + d.move() + " (" + d.verdict() + "); recorded after SWITCH NOW");
        for (String line : d.checkLines()) {
            out.println("  " + line);
        }
        return d;
    }

    /** {@code --undo}: lifts the block; with Redis, one audit entry when a block was lifted (the phase is not moved). */
    private int undo(PhasedFlip phased, WriteFlip.Side side, String name, ControlSession control, PrintWriter out) {
        boolean lifted = phased.writeFlip().undo(side);
        out.println(name + ": " + (lifted ? "write block on the " + side.words() + " lifted: it takes writes again"
                : "no write block on the " + side.words()));
        if (lifted && control == null) {
            out.println(name + ": no --redis: no audit entry written");
        } else if (lifted) {
            try {
                PhasedFlip.UndoAudit audit = phased.recordUndo(side);
                if (audit.after() == null) {
                    out.println(name + ": no audit entry written: " + audit.notWritten());
                    out.flush();
                    return ExitCodes.OK;
                }
                out.println(name + ": audited as flip_writes (version " + audit.after().version() + "; phase " + audit.after().phase().wireName()
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

    private int flip(PhasedFlip phased, WriteFlip.Side side, Plan plan, String name, ControlSession control, PhasedFlip.Decided decided,
                     PrintWriter out) throws InterruptedException {
        WriteFlip flip = phased.writeFlip();
        // Ctrl-C or SIGTERM during the flip: interrupt it, so that a block it made is lifted before the JVM ends
        Thread flipping = Thread.currentThread();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        PhasedFlip.Flipped flipped;
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
            flipped = phased.flip(side, line -> {
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
        WriteFlip.Result r = flipped.result();
        if (flipped.forgotSpentStream()) {
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
        return control == null ? ExitCodes.OK : recordFlip(phased, control, decided, side, r, name, out);
    }

    /** After SWITCH NOW: the phase the writes are in now, one audit entry with the pause ({@link PhasedFlip#record}). */
    private int recordFlip(PhasedFlip phased, ControlSession control, PhasedFlip.Decided decided, WriteFlip.Side side, WriteFlip.Result r,
                           String name, PrintWriter out) {
        try {
            PhasedFlip.Recorded recorded = phased.record(decided, r);
            out.println(name + ": " + recorded.line());
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
}
