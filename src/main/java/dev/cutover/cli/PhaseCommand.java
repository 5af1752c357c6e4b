package dev.cutover.cli;

import dev.cutover.control.Actor;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlView;
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
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover phase [NAME]}: shows the phase and the next step's guards, or moves to NAME. */
@Command(name = "phase", description = "Show the phase and the guards of the next one, or move to phase NAME.%n"
        + "Forward moves are guarded (--override --reason to pass a failed guard, audited); moving back is always allowed.%n"
        + "When Redis lost the state, --override --reason R restores it at phase NAME.%n"
        + "Exit 0 done; 1 refused by a guard; 2 error.")
public final class PhaseCommand implements Callable<Integer> {
    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Mixin
    GuardOptions guardOptions;
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

    private int show(ControlSession s, ControlView view, PrintWriter out) {
        ControlState st = view.state();
        if (view.isLost()) {
            out.println(s.migration + ": STATE LOST: " + view.lost() + ControlSession.RESTORE_WITH);
            return ExitCodes.FOUND;
        }
        out.println(s.migration + ": phase " + st.phase().wireName() + " (write target " + st.writeTarget().wireName()
                + ", read percent " + st.readPercent() + "%, version " + st.version() + ")");
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
