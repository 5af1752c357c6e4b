package dev.cutover.cli;

import dev.cutover.control.Actor;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlView;
import dev.cutover.control.GuardRefusedException;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.StateLostException;
import dev.cutover.control.TrafficSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cutover traffic [PERCENT]}: shows or shifts the share of reads served by the new side. */
@Command(name = "traffic", description = "Show or set the percentage of routing keys read from the new side (traffic_shift only).%n"
        + "Steps 0, 1, 5, 25, 50, 100: up one step at a time, down to any step; other values need --override --reason.%n"
        + "Exit 0 done; 1 refused; 2 error.")
public final class TrafficCommand implements Callable<Integer> {
    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Parameters(index = "0", arity = "0..1", paramLabel = "PERCENT", description = "0..100")
    Integer percent;
    @Option(names = "--sample-rate", paramLabel = "RATE", description = "also set the shadow-read sample rate (0.0..1.0)")
    Double sampleRate;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why (audited; required with --override)")
    String reason = "";
    @Option(names = "--override", description = "allow a value off the steps or a jump of several steps up (needs --reason)")
    boolean override;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (percent != null && (percent < 0 || percent > 100)) {
            throw new UserError("PERCENT must be 0..100, was " + percent);
        }
        if (sampleRate != null && !(sampleRate >= 0.0 && sampleRate <= 1.0)) {
            throw new UserError("--sample-rate must be 0.0..1.0, was " + sampleRate);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ControlSession s = new ControlSession(connections, plan, GuardSettings.defaults())) {
            ControlView view = s.store.view();
            if (view.isLost()) {
                err.println("cutover: " + view.lost() + ControlSession.RESTORE_WITH);
                return ExitCodes.FOUND;
            }
            ControlState st = view.state();
            if (percent != null || sampleRate != null) {
                s.requireWitnessToStart(view);
            }
            try {
                if (sampleRate != null) {
                    ControlState before = st;
                    st = s.plane.setSampleRate(st, sampleRate, Actor.current(), reason);
                    out.println(s.migration + ": shadow sample rate " + before.shadowSampleRate() + " → " + st.shadowSampleRate()
                            + " (version " + st.version() + ")");
                }
                if (percent != null) {
                    ControlState before = st;
                    st = s.plane.setReadPercent(st, percent, Actor.current(), reason, override);
                    out.println(s.migration + ": reads from the new side " + before.readPercent() + "% → " + st.readPercent()
                            + "% (version " + st.version() + ")");
                }
            } catch (GuardRefusedException | StateLostException e) {
                err.println("cutover: " + e.getMessage());
                return ExitCodes.FOUND;
            }
            s.warnWitness(err);
            if (percent == null && sampleRate == null) {
                out.println(s.migration + ": " + st.readPercent() + "% of routing keys read from the new side (phase "
                        + st.phase().wireName() + ", sample rate " + st.shadowSampleRate() + ", version " + st.version() + ")");
                out.println("steps " + TrafficSteps.list() + "; next step up " + TrafficSteps.next(st.readPercent())
                        + "%, down " + TrafficSteps.previous(st.readPercent()) + "%");
            }
            return ExitCodes.OK;
        }
    }
}
