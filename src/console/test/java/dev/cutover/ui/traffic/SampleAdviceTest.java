package dev.cutover.ui.traffic;

import dev.cutover.control.GuardSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** How long the shadow guard's window takes to compare its minimum, and the rate offered when it falls short. */
@Timeout(10)
class SampleAdviceTest {
    private final GuardSettings g = GuardSettings.defaults(); // 10 minutes, 1,000 comparisons

    @Test
    void aRateThatReachesTheMinimumSaysWhenItDoes() {
        assertThat(TrafficViewModel.sampleAdvice(200, 0.01, g))
                .isEqualTo("At 200 reads/s and 1 %, the 10-minute window compares ~1,200 reads; the guard needs 1,000 over shadow reads"
                        + " that cover its window: met ~9 min after they start.");
        // many more reads than the count: the window still has to be covered (the walk read "1,000 after ~3 min" and waited 10)
        assertThat(TrafficViewModel.sampleAdvice(200, 0.05, g)).endsWith("the guard needs 1,000 over shadow reads that cover its window:"
                + " met ~9 min after they start.");
        assertThat(TrafficViewModel.suggestedRate(200, 0.01, g)).isNull();
    }

    @Test
    void aRateThatFallsShortOffersTheSmallestThatReachesIt() {
        assertThat(TrafficViewModel.sampleAdvice(40, 0.01, g))
                .isEqualTo("At 40 reads/s and 1 %, the 10-minute window compares ~240 reads (1,000 would take ~42 min);"
                        + " the guard needs 1,000: set 5 % to reach it.");
        assertThat(TrafficViewModel.suggestedRate(40, 0.01, g)).isEqualTo(0.05);
        assertThat(TrafficViewModel.sampleAdvice(1, 0.0, g)).endsWith("the guard needs 1,000: even 100 % compares only ~600 at this read rate.");
        assertThat(TrafficViewModel.suggestedRate(1, 0.0, g)).isNull();
    }

    @Test
    void withoutReadsTheTimeIsNotKnown() {
        assertThat(TrafficViewModel.sampleAdvice(0, 0.01, g)).isEqualTo("No router reported reads in the last 60 s: how long the"
                + " 10-minute window takes to compare the guard's 1,000 reads is not known.");
    }

    @Test
    void theMoveToShadowReadSaysItsRateAndHowLongTheGuardsComparisonsTake() {
        assertThat(TrafficViewModel.shadowAtEntry(0.02, 20.0, g)).isEqualTo("Shadow reads: the routers compare 2 % of reads"
                + " (the sample rate in Redis). At 20 reads/s the guard is met ~42 min after shadow reads start (1,000 compared, over"
                + " reads that cover its 10-minute window).");
        assertThat(TrafficViewModel.shadowAtEntry(0.0, 200.0, g)).isEqualTo("Shadow reads: the routers compare 1 % of reads"
                + " (the sample rate in Redis is 0 %; entering shadow_read sets 1 %). At 200 reads/s the guard is met ~9 min after shadow"
                + " reads start (1,000 compared, over reads that cover its 10-minute window).");
        assertThat(TrafficViewModel.shadowAtEntry(0.5, 200.0, g)).contains("the guard is met ~9 min after shadow reads start");
    }

    @Test
    void percentsAndDurationsAreWhole() {
        assertThat(TrafficViewModel.percent(0.005)).isEqualTo("0.5 %");
        assertThat(TrafficViewModel.percent(0.1)).isEqualTo("10 %");
        assertThat(TrafficViewModel.duration(45)).isEqualTo("45 s");
        assertThat(TrafficViewModel.duration(500)).isEqualTo("9 min");
        assertThat(TrafficViewModel.duration(3 * 3600)).isEqualTo("3 h");
    }
}
