package dev.cutover.control;

import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.control.ControlKeys.Metric;
import dev.cutover.control.ControlKeys.Verify;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each guard over plain {@link GuardSnapshot}s, without Redis: refusing and passing, and the
 * verification going stale when what it verified changed after it (issue 15).
 */
class GuardDecisionsTest {
    private static final GuardSettings SETTINGS = new GuardSettings(Duration.ofHours(1), 0.001, Duration.ofSeconds(10), 1000);
    private static final long NOW = 1_800_000_000_000L;
    private static final long VERIFIED_AT = NOW - 120_000; // two minutes ago
    private final Guards guards = Guards.over(SETTINGS, () -> ControlFixture.PAIR);

    private static Map<String, String> verification(boolean clean) {
        Map<String, String> h = new HashMap<>(Map.of(Verify.AT, Long.toString(VERIFIED_AT), Verify.CLEAN, Boolean.toString(clean),
                Verify.ROWS_COMPARED, "1200", Verify.DIFFERENCES, clean ? "0" : "3", Verify.DIRECTION, Verify.DIRECTION_FORWARD,
                Verify.SAMPLED, "false"));
        h.putAll(ControlFixture.PAIR.fields());
        return h;
    }

    /** {@code perSecond} comparisons ({@code mismatches} of them mismatched) in each second of the window. */
    private static List<MetricsSecond> window(long perSecond, long mismatches) {
        List<MetricsSecond> out = new ArrayList<>();
        for (long s = NOW / 1000 - 10; s < NOW / 1000; s++) {
            out.add(new MetricsSecond(s, 1, Map.of(Metric.COMPARED, perSecond, Metric.MISMATCHES, mismatches)));
        }
        return out;
    }

    private static GuardSnapshot snapshot(Map<String, String> backfill, long waiting, Map<String, String> verification,
                                          List<MetricsSecond> window, GuardSnapshot.AfterVerification after) {
        return new GuardSnapshot(NOW, backfill, waiting, verification, window, after);
    }

    private static GuardSnapshot verified(Map<String, String> verification, GuardSnapshot.AfterVerification after) {
        return snapshot(Map.of(), 0, verification, List.of(), after);
    }

    private static GuardSnapshot.AfterVerification after(long mirrorFailures, long mismatches, long lastFailedWrite) {
        return new GuardSnapshot.AfterVerification(VERIFIED_AT / 1000, new MetricsSecond(VERIFIED_AT / 1000, 120,
                Map.of(Metric.MIRROR_FAILURES, mirrorFailures, Metric.MISMATCHES, mismatches)), lastFailedWrite);
    }

    @Test
    void backfillRefusesUntilCompleteAndPassesWhenComplete() {
        assertThat(guards.backfillComplete(snapshot(Map.of(), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING)).ok())
                .isFalse();
        GuardCheck running = guards.backfillComplete(snapshot(Map.of(Backfill.STATE, Backfill.STATE_RUNNING, Backfill.ROWS_DONE, "5",
                Backfill.ROWS_TOTAL, "10"), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING));
        assertThat(running.ok()).isFalse();
        assertThat(running.detail()).contains("the backfill is running: 5 of 10 rows");
        GuardCheck done = guards.backfillComplete(snapshot(Map.of(Backfill.STATE, Backfill.STATE_COMPLETE, Backfill.ROWS_DONE, "10",
                Backfill.ROWS_TOTAL, "10"), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING));
        assertThat(done.ok()).isTrue();
    }

    @Test
    void theQueueGuardRefusesWhileWritesWait() {
        GuardCheck waiting = guards.queueDrained(snapshot(Map.of(), 2, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING));
        assertThat(waiting.ok()).isFalse();
        assertThat(waiting.detail()).isEqualTo("2 failed writes waiting to be replayed");
        assertThat(guards.queueDrained(snapshot(Map.of(), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING)).ok()).isTrue();
    }

    @Test
    void theMismatchGuardRefusesAboveTheLimitAndPassesUnderIt() {
        GuardCheck high = guards.mismatchRate(snapshot(Map.of(), 0, Map.of(), window(200, 1), GuardSnapshot.AfterVerification.NOTHING));
        assertThat(high.ok()).isFalse();
        assertThat(high.detail()).contains("10 of 2,000 compared").contains("above the 0.1% limit");
        GuardCheck clean = guards.mismatchRate(snapshot(Map.of(), 0, Map.of(), window(200, 0), GuardSnapshot.AfterVerification.NOTHING));
        assertThat(clean.ok()).isTrue();
        assertThat(clean.detail()).contains("0 of 2,000 compared");
    }

    @Test
    void aCleanFreshVerificationPassesAndAnUncleanOneIsRefused() {
        GuardCheck ok = guards.verification(verified(verification(true), after(0, 0, 0)), Verify.DIRECTION_FORWARD);
        assertThat(ok.ok()).as(ok.detail()).isTrue();
        assertThat(ok.detail()).contains("1,200 rows compared, 0 differences, 2 min ago");
        GuardCheck unclean = guards.verification(verified(verification(false), after(0, 0, 0)), Verify.DIRECTION_FORWARD);
        assertThat(unclean.ok()).isFalse();
        assertThat(unclean.detail()).contains("found 3 differences");
        assertThat(guards.verification(verified(Map.of(), GuardSnapshot.AfterVerification.NOTHING), Verify.DIRECTION_FORWARD).detail())
                .startsWith("no verification has run");
    }

    @Test
    void aRepairAfterTheVerificationMakesItStaleAndSaysSo() {
        Map<String, String> h = verification(true);
        h.put(Verify.REPAIRED_AT, Long.toString(VERIFIED_AT + 60_000));
        GuardCheck c = guards.verification(verified(h, after(0, 0, 0)), Verify.DIRECTION_FORWARD);
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).isEqualTo("the latest verification is stale: a repair changed rows 60 s after it; run cutover verify again");
        // a repair before it (the repair of "repair then verify") does not
        h.put(Verify.REPAIRED_AT, Long.toString(VERIFIED_AT - 1));
        assertThat(guards.verification(verified(h, after(0, 0, 0)), Verify.DIRECTION_FORWARD).ok()).isTrue();
    }

    @Test
    void mirrorFailuresAndShadowMismatchesSinceMakeItStaleWithEveryReason() {
        GuardCheck c = guards.verification(verified(verification(true), after(3, 1, VERIFIED_AT + 5_000)), Verify.DIRECTION_FORWARD);
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("a failed write was queued 5 s after it").contains("3 mirror writes failed since")
                .contains("1 shadow read mismatched since");
        // a failed write queued before the verification is what it already covered
        GuardCheck before = guards.verification(verified(verification(true), after(0, 0, VERIFIED_AT - 5_000)), Verify.DIRECTION_FORWARD);
        assertThat(before.ok()).as(before.detail()).isTrue();
        assertThat(Guards.staleness(verified(verification(true), after(0, 2, 0)))).isEqualTo("2 shadow reads mismatched since");
    }

    @Test
    void forMoveDecidesEveryExitConditionOverOneSnapshot() {
        GuardSnapshot all = snapshot(Map.of(Backfill.STATE, Backfill.STATE_COMPLETE, Backfill.ROWS_DONE, "10"), 0, verification(true),
                window(200, 0), after(0, 0, 0));
        ControlState shadow = new ControlState(Phase.SHADOW_READ, WriteTarget.DUAL_WRITE, 0, 0.0, "salt", 7);
        assertThat(guards.forMove(all, shadow, Phase.TRAFFIC_SHIFT)).allMatch(GuardCheck::ok).hasSize(3);
        GuardSnapshot stale = snapshot(all.backfill(), 0, verification(true), window(200, 0), after(1, 0, 0));
        List<GuardCheck> checks = guards.forMove(stale, shadow, Phase.TRAFFIC_SHIFT);
        assertThat(checks).filteredOn(c -> !c.ok()).extracting(GuardCheck::name).containsExactly(Guards.VERIFICATION);
    }

    private static GuardSnapshot withSync(Map<String, String> sync) {
        Map<String, String> backfill = Map.of(Backfill.STATE, Backfill.STATE_COMPLETE, Backfill.ROWS_DONE, "10", Backfill.ROWS_TOTAL, "10");
        return new GuardSnapshot(NOW, backfill, 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING, sync);
    }

    private static Map<String, String> sync(String state, long updatedAgoMs, String lagSeconds, String error) {
        return Map.of(ControlKeys.Sync.STATE, state, ControlKeys.Sync.UPDATED_AT, Long.toString(NOW - updatedAgoMs),
                ControlKeys.Sync.LAG_SECONDS, lagSeconds, ControlKeys.Sync.LAG_BYTES, "4096", ControlKeys.Sync.LAST_ERROR, error);
    }

    private static ControlState state(Phase phase) {
        return new ControlState(phase, WriteTarget.DUAL_WRITE, 0, 0.0, "salt", 7);
    }

    private static GuardCheck syncCheck(List<GuardCheck> checks) {
        return checks.stream().filter(c -> c.name().equals("change capture caught up")).findFirst().orElse(null);
    }

    @Test
    void withoutChangeCaptureTheGuardsDoNotAskForIt() {
        List<GuardCheck> checks = guards.exitOf(withSync(Map.of()), Phase.DUAL_WRITE, state(Phase.DUAL_WRITE));
        assertThat(syncCheck(checks)).isNull();
        assertThat(checks).allMatch(GuardCheck::ok);
    }

    @Test
    void changeCaptureMustBeRunningRecentAndCaughtUpToLeaveDualWrite() {
        GuardCheck ok = syncCheck(guards.exitOf(withSync(sync("running", 1_000, "0.4", "")), Phase.DUAL_WRITE,
                state(Phase.DUAL_WRITE)));
        assertThat(ok.ok()).as(ok.toString()).isTrue();
        assertThat(ok.detail()).contains("0.4 s behind").contains("4,096 bytes");

        GuardCheck behind = syncCheck(guards.exitOf(withSync(sync("running", 1_000, "12.5", "")), Phase.SHADOW_READ,
                state(Phase.SHADOW_READ)));
        assertThat(behind.ok()).isFalse();
        assertThat(behind.detail()).contains("12.5 s behind").contains("limit 5 s");

        GuardCheck silent = syncCheck(guards.exitOf(withSync(sync("running", 60_000, "0", "")), Phase.TRAFFIC_SHIFT,
                state(Phase.TRAFFIC_SHIFT)));
        assertThat(silent.ok()).isFalse();
        assertThat(silent.detail()).contains("no word from cutover sync for 60 s");

        GuardCheck retrying = syncCheck(guards.exitOf(withSync(sync("retrying", 1_000, "0", "08006 connection lost")),
                Phase.DUAL_WRITE, state(Phase.DUAL_WRITE)));
        assertThat(retrying.ok()).isFalse();
        assertThat(retrying.detail()).contains("cutover sync is retrying").contains("08006 connection lost")
                .contains("cutover sync --drop");

        GuardCheck unreadable = syncCheck(guards.exitOf(withSync(sync("running", 1_000, "soon", "")), Phase.DUAL_WRITE,
                state(Phase.DUAL_WRITE)));
        assertThat(unreadable.ok()).as("an unreadable lag is never taken as caught up").isFalse();
    }

    @Test
    void aMoveOverSeveralPhasesAsksForChangeCaptureOnce() {
        List<GuardCheck> checks = guards.forMove(withSync(sync("stopped", 1_000, "0", "")), state(Phase.DUAL_WRITE),
                Phase.NEW_PRIMARY);
        assertThat(checks.stream().filter(c -> c.name().equals("change capture caught up")).count()).isEqualTo(1);
        assertThat(syncCheck(checks).ok()).isFalse();
    }

    @Test
    void theRouterGuardsDoNotApplyOnlyWithSyncAndNoRouterEverAndThenSaySo() {
        GuardSnapshot base = withSync(sync("running", 1_000, "0", ""));
        GuardSnapshot syncOnly = new GuardSnapshot(NOW, base.backfill(), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING,
                base.sync(), new GuardSnapshot.Routers("m1", false));
        List<GuardCheck> checks = guards.exitOf(syncOnly, Phase.TRAFFIC_SHIFT, state(Phase.TRAFFIC_SHIFT));
        assertThat(checks).extracting(GuardCheck::toString)
                .contains("✓ shadow mismatch rate under 0.1% for 10 s: shadow reads: not applicable - no router has reported for migration m1;"
                        + " writes follow by sync, exact verification is the evidence")
                .contains("✓ reads fully shifted: read shift (read_percent 0): not applicable - no router has reported for migration m1;"
                        + " writes follow by sync, exact verification is the evidence");
        // the verification stays in force (none here), as does sync caught up
        assertThat(checks).filteredOn(c -> !c.ok()).extracting(GuardCheck::name).containsExactly(Guards.VERIFICATION);
        assertThat(Guards.routerGuardsApply(syncOnly)).isFalse();

        // a router that ever reported, or no sync: they apply and refuse as before
        GuardSnapshot routerOnce = new GuardSnapshot(NOW, base.backfill(), 0, Map.of(), List.of(),
                GuardSnapshot.AfterVerification.NOTHING, base.sync(), new GuardSnapshot.Routers("m1", true));
        GuardSnapshot noSync = new GuardSnapshot(NOW, base.backfill(), 0, Map.of(), List.of(), GuardSnapshot.AfterVerification.NOTHING,
                Map.of(), new GuardSnapshot.Routers("m1", false));
        for (GuardSnapshot s : List.of(routerOnce, noSync, base)) {
            assertThat(guards.exitOf(s, Phase.TRAFFIC_SHIFT, state(Phase.TRAFFIC_SHIFT))).filteredOn(c -> !c.ok())
                    .extracting(GuardCheck::name).contains(Guards.READS_SHIFTED).anyMatch(n -> n.startsWith("shadow mismatch rate"));
        }
    }
}
