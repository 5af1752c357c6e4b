package dev.cutover.cli;

import dev.cutover.control.Actor;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlView;
import dev.cutover.control.FlipStatus;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.GuardRefusedException;
import dev.cutover.control.Phase;
import dev.cutover.control.StateLostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover phase [NAME]}: shows the phase and the next step's guards, or moves to NAME. */
@Command(name = "phase", description = "Show the phase and the guards of the next one, or move to phase NAME.%n"
        + "Forward moves are guarded (--override --reason to pass a failed guard, audited); moving back is always allowed.%n"
        + "When Redis lost the state, --override --reason R restores it at phase NAME.%n"
        + "A move that changes the write target then waits (--flip-timeout) until every live router acknowledged the new version%n"
        + "and no failed write from the earlier write target is queued; if that does not happen in time the new state stays%n"
        + "(flip pending, shown by status and phase).%n"
        + "Exit 0 done; 1 refused by a guard, or the flip still pending after --flip-timeout; 2 error.")
public final class PhaseCommand implements Callable<Integer> {
    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Mixin
    GuardOptions guardOptions;
    @Mixin
    FlipOptions flipOptions;
    @Option(names = "--flip-timeout", paramLabel = "TIME", converter = DurationConverter.class,
            description = "after a write-target change, how long to wait for the routers to acknowledge it and the older "
                    + "failed writes to be replayed (default 30s; 0s: do not wait)")
    Duration flipTimeout = Duration.ofSeconds(30);
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
            description = "planning, backfill, dual_write, shadow_read, traffic_shift, new_primary or cleanup")
    String name;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why (written to the audit log; required with --override)")
    String reason = "";
    @Option(names = "--override", description = "move forward although a guard refuses (needs --reason; audited)")
    boolean override;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Phase target = null;
        if (name != null) {
            try {
                target = Phase.fromWire(name);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ControlSession s = new ControlSession(connections, plan, guardOptions.settings())) {
            ControlView view = s.store.view();
            if (target == null) {
                return show(s, view, out);
            }
            if (view.isLost()) {
                if (!override) {
                    err.println("cutover: " + view.lost() + ControlSession.RESTORE_WITH);
                    return ExitCodes.FOUND;
                }
                ControlState restored = s.plane.restore(target, Actor.current(), reason);
                out.println(s.migration + ": restored at phase " + restored.phase().wireName() + " (version " + restored.version()
                        + ", read percent " + restored.readPercent() + "%, write target " + restored.writeTarget().wireName()
                        + ", routing salt " + (view.lastKnown() == null ? "NEW: no earlier state known here or in the witness" : "kept") + ")");
                s.warnWitness(err);
                return ExitCodes.OK;
            }
            s.requireWitnessToStart(view);
            ControlState before = view.state();
            if (before.phase() == target) {
                out.println(s.migration + ": already in phase " + target.wireName() + " (version " + before.version() + ")");
                return ExitCodes.OK;
            }
            try {
                ControlState after = s.plane.movePhase(before, target, Actor.current(), reason, override);
                boolean back = target.ordinal() < before.phase().ordinal();
                out.println(s.migration + ": " + (back ? "rolled back " : "") + before.phase().wireName() + " → " + after.phase().wireName()
                        + " (version " + after.version() + "; write target " + after.writeTarget().wireName() + ", read percent "
                        + after.readPercent() + "%)");
                var entry = s.store.audit(1);
                if (!entry.isEmpty() && entry.get(0).override()) {
                    out.println("override audited: " + entry.get(0).get(dev.cutover.control.ControlKeys.Audit.GUARD));
                }
                s.warnWitness(err);
                if (after.phase() == Phase.CLEANUP && plan.hasPlan()) {
                    for (String line : dev.cutover.app.SyncCleanup.dropIdleSlots(connections.oldDbIfGiven(), connections.newDbIfGiven(),
                            plan.plan())) {
                        out.println("cleanup: " + line);
                    }
                }
                if (after.writeTarget() != before.writeTarget() && !flipTimeout.isZero() && !flipTimeout.isNegative()) {
                    return awaitFlip(s, after, out, err);
                }
                return ExitCodes.OK;
            } catch (GuardRefusedException e) {
                err.println("cutover: " + e.getMessage());
                return ExitCodes.FOUND;
            } catch (StateLostException e) {
                err.println("cutover: " + e.getMessage());
                return ExitCodes.FOUND;
            }
        }
    }

    /**
     * The flip's second step: the new state is in force; wait until every live router acknowledged
     * it and nothing from the earlier write target is queued. On timeout nothing is rolled back.
     */
    private int awaitFlip(ControlSession s, ControlState after, PrintWriter out, PrintWriter err) {
        out.println("waiting up to " + flipTimeout.toSeconds() + " s for every live router to acknowledge version "
                + after.version() + " and the failed writes made under the earlier write target to be replayed…");
        out.flush();
        FlipStatus st = flipOptions.flipWait(s.store).await(after, flipTimeout);
        long now = System.currentTimeMillis();
        if (st.complete()) {
            out.println("flip complete: " + st.describe(now));
            return ExitCodes.OK;
        }
        err.println("cutover: migration " + s.migration + ": flip to " + after.writeTarget().wireName() + " PENDING after "
                + flipTimeout.toSeconds() + " s: " + st.describe(now) + "; the new state stays in force (not rolled back): "
                + "routers follow it and each queued write is replayed from the side it was written to; "
                + "`cutover status` shows when the flip completes");
        return ExitCodes.FOUND;
    }

    private int show(ControlSession s, ControlView view, PrintWriter out) {
        ControlState st = view.state();
        if (view.isLost()) {
            out.println(s.migration + ": STATE LOST: " + view.lost() + ControlSession.RESTORE_WITH);
            return ExitCodes.FOUND;
        }
        out.println(s.migration + ": phase " + st.phase().wireName() + " (write target " + st.writeTarget().wireName()
                + ", read percent " + st.readPercent() + "%, version " + st.version() + ")");
        if (st.version() > 0) {
            FlipStatus flip = flipOptions.flipWait(s.store).status(st);
            out.println((flip.complete() ? "routers: " : "FLIP PENDING: ") + flip.describe(System.currentTimeMillis()));
        }
        out.println("witness: " + (view.witness() == null ? "not checked (no --new): a lost Redis state is noticed only from this machine's cache"
                : view.witness()));
        if (st.phase() == Phase.CLEANUP) {
            out.println("cleanup is the last phase");
            return ExitCodes.OK;
        }
        Phase next = Phase.values()[st.phase().ordinal() + 1];
        List<GuardCheck> checks = s.plane.checksFor(st, next);
        boolean ok = checks.stream().allMatch(GuardCheck::ok);
        out.println("next: " + next.wireName() + (checks.isEmpty() ? " (no guard)" : ok ? " (all guards pass)"
                : " (refused now; --override --reason \"why\" moves anyway, audited)"));
        out.print(ControlText.guards(checks, "  "));
        return ExitCodes.OK;
    }
}
