package dev.cutover.work;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** When a run that lost its lock takes it again: on progress at once, without it after a back-off, and gives up only on a real lack of progress. */
class LockRetakesTest {
    private final AtomicLong clock = new AtomicLong();
    private final LockRetakes retakes = new LockRetakes(JobOptions.defaults(), clock::get);

    private static RunLockLost lost(long copied, long done) {
        return new RunLockLost("lost", copied, done);
    }

    private void advanceSeconds(double s) {
        clock.addAndGet((long) (s * 1e9));
    }

    @Test
    void aLossAfterCopyingRowsIsTakenAgainAtOnce() {
        for (int i = 0; i < 50; i++) {
            assertThat(retakes.afterLoss(lost(100, 100L * i))).isZero();
            advanceSeconds(5);
        }
        assertThat(retakes.lostWithoutProgress()).isZero();
    }

    @Test
    void manyQuickLossesWithoutProgressDoNotGiveUpBeforeTheJobWentSixtySecondsWithoutProgress() {
        // a loaded machine: every attempt loses its lock before its first chunk, dozens of times in a row, within a minute
        for (int i = 1; i <= 40; i++) {
            advanceSeconds(1);
            long wait = retakes.afterLoss(lost(0, 7_626));
            assertThat(wait).as("loss %d", i).isPositive().isLessThanOrEqualTo(10_000);
        }
        assertThat(retakes.lostWithoutProgress()).isEqualTo(40);
        // then another process (or this one) moves the ledger on: the count starts over
        advanceSeconds(30);
        assertThat(retakes.afterLoss(lost(0, 8_626))).isZero();
        assertThat(retakes.lostWithoutProgress()).isZero();
    }

    @Test
    void givesUpOnceLostMoreThanTheStepRetriesInARowAndSixtySecondsWithoutProgress() {
        retakes.afterLoss(lost(500, 500));
        for (int i = 1; i <= Retry.STEP_RETRIES_AT_LEAST; i++) {
            advanceSeconds(20);
            assertThat(retakes.afterLoss(lost(0, 500))).as("loss %d", i).isPositive();
        }
        advanceSeconds(1);
        assertThat(retakes.afterLoss(lost(0, 500))).isEqualTo(-1);
    }

    @Test
    void sixtySecondsWithoutProgressAloneDoNotGiveUpBeforeMoreThanTheStepRetriesLosses() {
        retakes.afterLoss(lost(500, 500));
        advanceSeconds(600);
        for (int i = 1; i <= Retry.STEP_RETRIES_AT_LEAST; i++) {
            assertThat(retakes.afterLoss(lost(0, 500))).as("loss %d", i).isPositive();
        }
        assertThat(retakes.afterLoss(lost(0, 500))).isEqualTo(-1);
    }
}
