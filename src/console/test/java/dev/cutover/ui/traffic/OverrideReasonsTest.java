package dev.cutover.ui.traffic;

import dev.cutover.control.ControlState;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.Phase;
import dev.cutover.control.WriteTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walk: a move refused with "0 of 168 compared" kept that line in the override dialog while the
 * guard above it read 1,107, and the audit recorded 1,293. The dialog lists the guards as last read.
 */
@Timeout(10)
class OverrideReasonsTest {
    private static final ControlState SHADOW = new ControlState(Phase.SHADOW_READ, WriteTarget.DUAL_WRITE, 0, 0.05, "s", 7);
    private final GuardCheck then = new GuardCheck("shadow mismatch rate under 0.1% for 10 min", false, "0 of 168 compared");
    private final GuardCheck now = new GuardCheck("shadow mismatch rate under 0.1% for 10 min", false,
            "0 of 1,107 compared; but shadow reads only for the last 2 min of the 10 min window");

    @Test
    void aRefusedMoveToTheNextPhaseListsTheFailingGuardsAsLastRead() {
        TrafficViewModel.Refused refused = new TrafficViewModel.Refused("refused", Phase.TRAFFIC_SHIFT, null, List.of(then));
        assertThat(TrafficViewModel.overrideReasons(refused, List.of(now), SHADOW)).containsExactly(now.toString());
        // nothing failing as last read (a guard passed meanwhile, or not read yet): what the refusal named
        assertThat(TrafficViewModel.overrideReasons(refused, List.of(), SHADOW)).containsExactly(then.toString());
    }

    @Test
    void aTrafficStepOrAJumpOfSeveralPhasesKeepsWhatTheRefusalSaid() {
        TrafficViewModel.Refused step = new TrafficViewModel.Refused("from 5% the next step up is 25%, not 100%", null, 100, List.of());
        assertThat(TrafficViewModel.overrideReasons(step, List.of(now), SHADOW)).containsExactly("from 5% the next step up is 25%, not 100%");
        TrafficViewModel.Refused jump = new TrafficViewModel.Refused("refused", Phase.NEW_PRIMARY, null, List.of(then));
        assertThat(TrafficViewModel.overrideReasons(jump, List.of(now), SHADOW)).containsExactly(then.toString());
    }
}
