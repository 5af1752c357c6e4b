package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.control.ControlKeys.Verify;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@NeedsServers
class ControlPlaneTest {
    private static final Actor ALICE = new Actor("alice", "db-admin-1");
    private ControlFixture f;

    @BeforeEach
    void setUp() {
        f = new ControlFixture("plane");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private ControlState move(Phase to) {
        return f.plane.movePhase(f.store.read(), to, ALICE, "", false);
    }

    private ControlState forceTo(Phase to) {
        return f.plane.movePhase(f.store.read(), to, ALICE, "test setup", true);
    }

    @Test
    void aDecisionWaivesWhatTheCallerMeetsItselfAndIsRecordedLaterWithOneAuditEntry() {
        f.allGuardsPass();
        forceTo(Phase.DUAL_WRITE);
        // a stopped sync refuses the move, as 'cutover phase' says; a caller that catches up itself waives that check only
        f.link.sync().hset(f.keys.sync(), java.util.Map.of(ControlKeys.Sync.STATE, "stopped"));
        assertThatThrownBy(() -> f.plane.decide(f.store.read(), Phase.SHADOW_READ, "", false, c -> false))
                .isInstanceOf(GuardRefusedException.class).hasMessageContaining(Guards.SYNC_CAUGHT_UP + ": cutover sync is stopped");
        ControlPlane.Decision d = f.plane.decide(f.store.read(), Phase.SHADOW_READ, "", false,
                c -> Guards.SYNC_CAUGHT_UP.equals(c.name()));
        assertThat(d.waived()).extracting(GuardCheck::name).containsExactly(Guards.SYNC_CAUGHT_UP);
        assertThat(d.overridden()).isEmpty();
        int audited = f.store.audit(100).size();
        // the state moves on meanwhile (a sample-rate change): recorded over the newer state, its guards not asked again
        f.plane.setSampleRate(f.store.read(), 0.3, ALICE, "");
        assertThatThrownBy(() -> f.plane.apply(d, ALICE, ControlStore.ACTION_FLIP_WRITES, "x")).isInstanceOf(ConflictException.class);
        ControlState after = f.plane.apply(d.over(f.store.read()), ALICE, ControlStore.ACTION_FLIP_WRITES, "flip-writes: pause 5 ms");
        assertThat(after.phase()).isEqualTo(Phase.SHADOW_READ);
        assertThat(after.shadowSampleRate()).isEqualTo(0.3);
        List<AuditEntry> audit = f.store.audit(100);
        assertThat(audit).hasSize(audited + 2);
        AuditEntry e = audit.get(audit.size() - 1);
        assertThat(e.action()).isEqualTo("flip_writes");
        assertThat(e.from()).isEqualTo("dual_write");
        assertThat(e.to()).isEqualTo("shadow_read");
        assertThat(e.why()).isEqualTo("flip-writes: pause 5 ms");
        // a decision to stay where the state is records the same state at the next version, audited
        ControlState same = f.plane.apply(f.plane.decide(after, Phase.SHADOW_READ, "", false, c -> false), ALICE,
                ControlStore.ACTION_FLIP_WRITES, "kept");
        assertThat(same.version()).isEqualTo(after.version() + 1);
        assertThat(same.phase()).isEqualTo(after.phase());
        assertThat(same.shadowSampleRate()).isEqualTo(0.3);
        assertThat(f.store.audit(1).get(0).why()).isEqualTo("kept");
    }

    @Test
    void aFreshMigrationIsPlanningAtVersionZero() {
        ControlView v = f.store.view();
        assertThat(v.state()).isEqualTo(ControlState.initial());
        assertThat(v.isLost()).isFalse();
    }

    @Test
    void everyForwardMoveWithItsGuardsSatisfiedSetsWriteTargetAndIsAudited() {
        f.allGuardsPass();
        ControlState s = move(Phase.BACKFILL);
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.routingSalt()).hasSize(16);
        String salt = s.routingSalt();
        for (Phase p : List.of(Phase.DUAL_WRITE, Phase.SHADOW_READ, Phase.TRAFFIC_SHIFT)) {
            s = move(p);
            assertThat(s.phase()).isEqualTo(p);
            assertThat(s.writeTarget()).isEqualTo(p.writeTarget());
        }
        assertThat(s.readPercent()).isZero();
        assertThat(s.shadowSampleRate()).isEqualTo(ControlPlane.DEFAULT_SAMPLE_RATE);
        for (int pct : new int[] {1, 5, 25, 50, 100}) {
            s = f.plane.setReadPercent(f.store.read(), pct, ALICE, "", false);
        }
        s = move(Phase.NEW_PRIMARY);
        assertThat(s.writeTarget()).isEqualTo(WriteTarget.NEW_PRIMARY);
        s = move(Phase.CLEANUP);
        assertThat(s.writeTarget()).isEqualTo(WriteTarget.NEW_ONLY);
        assertThat(s.readPercent()).isEqualTo(100);
        assertThat(s.routingSalt()).isEqualTo(salt);
        assertThat(f.store.read()).isEqualTo(s);
        assertThat(s.version()).isEqualTo(11);

        List<AuditEntry> audit = f.store.audit(100);
        assertThat(audit).hasSize(11);
        AuditEntry first = audit.get(0);
        assertThat(first.who()).isEqualTo("alice@db-admin-1");
        assertThat(first.action()).isEqualTo("phase");
        assertThat(first.from()).isEqualTo("planning");
        assertThat(first.to()).isEqualTo("backfill");
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.override()).isFalse();
        assertThat(audit.get(6).action()).isEqualTo("traffic");
        assertThat(audit.get(6).from()).isEqualTo("5");
        assertThat(audit.get(6).to()).isEqualTo("25");
        assertThat(audit.get(10).state()).isEqualTo(s);
    }

    @Test
    void leavingBackfillIsRefusedUntilTheBackfillIsComplete() {
        forceTo(Phase.BACKFILL);
        assertRefused(Phase.DUAL_WRITE, "no backfill has run");
        f.backfill(Backfill.STATE_RUNNING);
        assertRefused(Phase.DUAL_WRITE, "the backfill is running: 1,200 of 1,200 rows");
        f.backfill(Backfill.STATE_COMPLETE);
        assertThat(move(Phase.DUAL_WRITE).phase()).isEqualTo(Phase.DUAL_WRITE);
    }

    @Test
    void leavingDualWriteNeedsTheFailedWriteQueueDrained() {
        f.backfill(Backfill.STATE_COMPLETE);
        forceTo(Phase.DUAL_WRITE);
        f.failedWrite();
        f.failedWrite();
        assertRefused(Phase.SHADOW_READ, "failed-write queue drained: 2 failed writes waiting to be replayed");
        f.drainQueue();
        assertThat(move(Phase.SHADOW_READ).phase()).isEqualTo(Phase.SHADOW_READ);
    }

    @Test
    void leavingShadowReadNeedsAFullFreshCleanForwardVerification() {
        forceTo(Phase.SHADOW_READ);
        f.shadowTraffic(8, 100, 0);
        assertRefused(Phase.TRAFFIC_SHIFT, "no verification has run");
        f.verified(false, Verify.DIRECTION_FORWARD, false, 1000);
        assertRefused(Phase.TRAFFIC_SHIFT, "found 3 differences");
        f.verified(true, Verify.DIRECTION_FORWARD, true, 1000);
        assertRefused(Phase.TRAFFIC_SHIFT, "was sampled");
        f.verified(true, Verify.DIRECTION_REVERSE, false, 1000);
        assertRefused(Phase.TRAFFIC_SHIFT, "ran reverse; a forward one is needed");
        f.verified(true, Verify.DIRECTION_FORWARD, false, 2 * 3600 * 1000L);
        assertRefused(Phase.TRAFFIC_SHIFT, "is 2 h old (older than 60 min is stale)");
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        assertThat(move(Phase.TRAFFIC_SHIFT).phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
    }

    @Test
    void leavingShadowReadNeedsTheMismatchRateUnderTheLimitForTheWindow() {
        forceTo(Phase.SHADOW_READ);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        assertRefused(Phase.TRAFFIC_SHIFT, "no shadow reads compared in the last 5 s; at least 10 comparisons needed");
        f.shadowTraffic(1, 100, 0);
        assertRefused(Phase.TRAFFIC_SHIFT, "of the 5 s window");
        assertThat(f.plane.checksFor(f.store.read(), Phase.TRAFFIC_SHIFT)).filteredOn(c -> !c.ok()).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("; but shadow reads only for the last "));
        f.shadowTraffic(8, 100, 5);
        assertRefused(Phase.TRAFFIC_SHIFT, "5% mismatched (25 of 500 compared) in the last 5 s, above the 1% limit");
        // and those mismatches came after the verification: it no longer holds
        assertRefused(Phase.TRAFFIC_SHIFT, "the latest verification is stale: ");
        f.shadowTraffic(8, 1000, 1);
        // 0.1 %: the rate is under the limit, but every mismatch since the verification makes it stale
        assertThat(f.plane.checksFor(f.store.read(), Phase.TRAFFIC_SHIFT)).filteredOn(c -> c.name().startsWith("shadow mismatch rate"))
                .singleElement().satisfies(c -> assertThat(c.ok()).as(c.detail()).isTrue());
        assertRefused(Phase.TRAFFIC_SHIFT, "shadow reads mismatched since");
        f.shadowTraffic(8, 1000, 0);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 0); // verified again, no mismatch since: it passes
        assertThat(move(Phase.TRAFFIC_SHIFT).phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
    }

    @Test
    void leavingTrafficShiftNeedsAllReadsOnTheNewSide() {
        f.allGuardsPass();
        forceTo(Phase.TRAFFIC_SHIFT);
        assertRefused(Phase.NEW_PRIMARY, "reads fully shifted: reads are 0% on the new side");
        f.plane.setReadPercent(f.store.read(), 50, ALICE, "test", true);
        f.plane.setReadPercent(f.store.read(), 100, ALICE, "", false);
        assertThat(move(Phase.NEW_PRIMARY).phase()).isEqualTo(Phase.NEW_PRIMARY);
    }

    @Test
    void leavingNewPrimaryNeedsTheReverseQueueDrained() {
        f.allGuardsPass();
        forceTo(Phase.NEW_PRIMARY);
        f.failedWrite();
        assertRefused(Phase.CLEANUP, "1 failed write waiting to be replayed");
        f.drainQueue();
        assertThat(move(Phase.CLEANUP).phase()).isEqualTo(Phase.CLEANUP);
    }

    @Test
    void skippingPhasesNeedsTheExitConditionsOfEveryPhaseSkipped() {
        f.backfill(Backfill.STATE_COMPLETE);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        f.shadowTraffic(8, 100, 0);
        assertRefused(Phase.NEW_PRIMARY, "reads fully shifted");
        assertThat(move(Phase.TRAFFIC_SHIFT).phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
    }

    @Test
    void anOverriddenGuardNeedsAReasonAndIsAudited() {
        move(Phase.BACKFILL);
        ControlState s = f.store.read();
        assertThatThrownBy(() -> f.plane.movePhase(s, Phase.DUAL_WRITE, ALICE, " ", true))
                .hasMessageContaining("needs a reason");
        assertThat(f.store.read().phase()).isEqualTo(Phase.BACKFILL);
        ControlState after = f.plane.movePhase(s, Phase.DUAL_WRITE, ALICE, "backfill verified by hand", true);
        assertThat(after.phase()).isEqualTo(Phase.DUAL_WRITE);
        AuditEntry e = f.store.audit(1).get(0);
        assertThat(e.override()).isTrue();
        assertThat(e.why()).isEqualTo("backfill verified by hand");
        assertThat(e.get(ControlKeys.Audit.GUARD)).contains("backfill complete: no backfill has run");
        assertThat(e.from()).isEqualTo("backfill");
        assertThat(e.to()).isEqualTo("dual_write");
        assertThat(e.get(ControlKeys.Audit.CHANGES)).contains("\"write_target\":[\"old_only\",\"dual_write\"]");
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void rollbackFromEveryPhaseToEveryEarlierPhaseIsAlwaysAllowed(Phase from) {
        for (Phase to : Phase.values()) {
            if (to.ordinal() >= from.ordinal()) {
                continue;
            }
            forceTo(from);
            f.failedWrite();
            f.backfill(Backfill.STATE_FAILED);
            ControlState s = f.plane.movePhase(f.store.read(), to, ALICE, "rollback drill", false);
            assertThat(s.phase()).isEqualTo(to);
            assertThat(s.writeTarget()).isEqualTo(to.writeTarget());
            int expected = to.ordinal() < Phase.TRAFFIC_SHIFT.ordinal() ? 0 : 100;
            if (to == Phase.TRAFFIC_SHIFT) {
                expected = 100;
            }
            assertThat(s.readPercent()).as("read_percent rolling back %s → %s", from, to).isEqualTo(expected);
            AuditEntry e = f.store.audit(1).get(0);
            assertThat(e.from()).isEqualTo(from.wireName());
            assertThat(e.to()).isEqualTo(to.wireName());
            assertThat(e.override()).isFalse();
        }
    }

    @Test
    void trafficMovesOneStepUpAtATimeAndDownToAnyStep() {
        f.allGuardsPass();
        forceTo(Phase.TRAFFIC_SHIFT);
        assertThatThrownBy(() -> f.plane.setReadPercent(f.store.read(), 5, ALICE, "", false))
                .isInstanceOf(GuardRefusedException.class).hasMessageContaining("from 0% the next step up is 1%, not 5%");
        assertThatThrownBy(() -> f.plane.setReadPercent(f.store.read(), 10, ALICE, "", false))
                .isInstanceOf(GuardRefusedException.class).hasMessageContaining("10% is not a step (0, 1, 5, 25, 50, 100)");
        f.plane.setReadPercent(f.store.read(), 1, ALICE, "", false);
        f.plane.setReadPercent(f.store.read(), 5, ALICE, "", false);
        f.plane.setReadPercent(f.store.read(), 25, ALICE, "", false);
        assertThat(f.plane.setReadPercent(f.store.read(), 1, ALICE, "", false).readPercent()).isEqualTo(1);
        ControlState s = f.plane.setReadPercent(f.store.read(), 10, ALICE, "one tenant in ten", true);
        assertThat(s.readPercent()).isEqualTo(10);
        AuditEntry e = f.store.audit(1).get(0);
        assertThat(e.override()).isTrue();
        assertThat(e.why()).isEqualTo("one tenant in ten");
    }

    @Test
    void trafficIsShiftedOnlyInTrafficShift() {
        forceTo(Phase.SHADOW_READ);
        assertThatThrownBy(() -> f.plane.setReadPercent(f.store.read(), 1, ALICE, "x", true))
                .isInstanceOf(GuardRefusedException.class).hasMessageContaining("only in phase traffic_shift (now shadow_read)");
    }

    @Test
    void aChangeBasedOnAStaleReadIsAConflictNotALostUpdate() {
        ControlState seenByA = f.store.read();
        ControlState seenByB = f.store.read();
        f.plane.setSampleRate(seenByA, 0.05, ALICE, "");
        assertThatThrownBy(() -> f.plane.setSampleRate(seenByB, 0.2, new Actor("bob", "h2"), ""))
                .isInstanceOf(ConflictException.class).hasMessageContaining("expected version 0, now 1");
        assertThat(f.store.read().shadowSampleRate()).isEqualTo(0.05);
        assertThat(f.store.audit(10)).hasSize(1);
    }

    @Test
    void theStoreItselfRefusesACompareAndSetOnAnOldVersion() {
        ControlState v0 = f.store.read();
        ControlState v1 = f.store.apply(v0, new ControlState(Phase.BACKFILL, WriteTarget.OLD_ONLY, 0, 0, "s", 0), ALICE,
                ControlStore.ACTION_PHASE, "", false, "");
        assertThat(v1.version()).isEqualTo(1);
        assertThatThrownBy(() -> f.store.apply(v0, new ControlState(Phase.DUAL_WRITE, WriteTarget.DUAL_WRITE, 0, 0, "s", 0), ALICE,
                ControlStore.ACTION_PHASE, "", false, "")).isInstanceOf(ConflictException.class);
        assertThat(f.store.read()).isEqualTo(v1);
    }

    /** cutover sync's health as it writes it while running and caught up. */
    private void syncRunning() {
        f.link.sync().hset(f.keys.sync(), java.util.Map.of(ControlKeys.Sync.STATE, "running", ControlKeys.Sync.LAG_SECONDS, "0",
                ControlKeys.Sync.LAG_BYTES, "0", ControlKeys.Sync.UPDATED_AT, Long.toString(System.currentTimeMillis())));
    }

    /** Everything but the router's evidence: backfill complete, a clean fresh verification, the queue drained; no shadow reads, reads at 0 %. */
    private void allButTheRouterGuardsPass() {
        f.backfill(Backfill.STATE_COMPLETE);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        f.drainQueue();
    }

    private static GuardCheck named(List<GuardCheck> checks, String prefix) {
        return checks.stream().filter(c -> c.name().startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(
                "no check named " + prefix + " in " + checks));
    }

    @Test
    void aSyncOnlyMigrationMovesToNewPrimaryWithTheRouterGuardsPassedAsNotApplicableSayingWhy() {
        allButTheRouterGuardsPass();
        forceTo(Phase.DUAL_WRITE);
        syncRunning();
        ControlPlane.Decision d = f.plane.decide(f.store.read(), Phase.NEW_PRIMARY, "", false, c -> false);
        assertThat(d.overridden()).isEmpty();
        GuardCheck shadow = named(d.checks(), "shadow mismatch rate");
        assertThat(shadow.ok()).isTrue();
        assertThat(shadow.detail()).isEqualTo("shadow reads: not applicable - no router has reported for migration " + f.migration
                + "; writes follow by sync, exact verification is the evidence");
        GuardCheck reads = named(d.checks(), Guards.READS_SHIFTED);
        assertThat(reads.ok()).isTrue();
        assertThat(reads.detail()).startsWith("read shift (read_percent 0): not applicable - no router has reported for migration "
                + f.migration);
        // the verification, the queue and sync caught up stay in force: each still refuses
        assertThat(named(d.checks(), Guards.VERIFICATION).ok()).isTrue();
        assertThat(named(d.checks(), Guards.SYNC_CAUGHT_UP).ok()).isTrue();
        f.verified(false, Verify.DIRECTION_FORWARD, false, 1000);
        assertRefused(Phase.NEW_PRIMARY, Guards.VERIFICATION + ": the latest verification (1,200 rows compared");
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        f.failedWrite();
        assertRefused(Phase.NEW_PRIMARY, "failed-write queue drained: 1 failed write waiting");
        f.drainQueue();
        f.verified(true, Verify.DIRECTION_FORWARD, false, 0); // again: the failed write made the earlier one stale
        f.link.sync().hset(f.keys.sync(), ControlKeys.Sync.LAG_SECONDS, "30");
        assertRefused(Phase.NEW_PRIMARY, Guards.SYNC_CAUGHT_UP + ": 30.0 s behind");
        syncRunning();
        assertThat(move(Phase.NEW_PRIMARY).phase()).isEqualTo(Phase.NEW_PRIMARY);
        assertThat(f.store.audit(1).get(0).override()).isFalse();
    }

    @Test
    void aRouterThatEverReportedKeepsItsGuardsEvenWithItsHeartbeatGone() {
        allButTheRouterGuardsPass();
        forceTo(Phase.DUAL_WRITE);
        syncRunning();
        // the mark a router leaves (without expiry) when it creates its heartbeat; the heartbeat itself expired
        f.link.sync().hset(f.keys.routersSeen(), java.util.Map.of(ControlKeys.RoutersSeen.INSTANCE, "app-1",
                ControlKeys.RoutersSeen.AT, "1"));
        assertThat(f.store.routers()).isEmpty();
        assertRefused(Phase.NEW_PRIMARY, "no shadow reads compared");
        assertRefused(Phase.NEW_PRIMARY, "reads fully shifted: reads are 0% on the new side");
        // a router from before the mark: its live heartbeat alone is enough
        f.link.sync().del(f.keys.routersSeen());
        f.link.sync().hset(f.keys.router("old-router"), java.util.Map.of(ControlKeys.Heartbeat.VERSION, "1",
                ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis())));
        f.link.sync().expire(f.keys.router("old-router"), 60);
        assertRefused(Phase.NEW_PRIMARY, "no shadow reads compared");
        f.link.sync().del(f.keys.router("old-router"));
        assertThat(move(Phase.NEW_PRIMARY).phase()).as("without mark or heartbeat, sync-only").isEqualTo(Phase.NEW_PRIMARY);
    }

    @Test
    void aMigrationThatOnceHadARouterIsDeclaredSyncOnlyKnowinglyAudited() {
        allButTheRouterGuardsPass();
        forceTo(Phase.DUAL_WRITE);
        f.link.sync().hset(f.keys.routersSeen(), java.util.Map.of(ControlKeys.RoutersSeen.INSTANCE, "app-1",
                ControlKeys.RoutersSeen.HOST, "web-7", ControlKeys.RoutersSeen.AT, "1765000000000"));
        long version = f.store.read().version();
        // sync not in use: nothing would carry the writes
        assertThatThrownBy(() -> dev.cutover.app.SyncOnly.forgetRouters(f.plane, ALICE, "app moved off the router"))
                .isInstanceOf(dev.cutover.app.SyncOnly.Refused.class).hasMessageContaining("change capture is not in use");
        syncRunning();
        assertThatThrownBy(() -> dev.cutover.app.SyncOnly.forgetRouters(f.plane, ALICE, " "))
                .isInstanceOf(dev.cutover.app.SyncOnly.Refused.class).hasMessageContaining("needs a reason");
        // a router reporting now keeps its guards
        f.link.sync().hset(f.keys.router("app-2"), java.util.Map.of(ControlKeys.Heartbeat.VERSION, "1", ControlKeys.Heartbeat.HOST, "web-8",
                ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis())));
        f.link.sync().expire(f.keys.router("app-2"), 60);
        assertThatThrownBy(() -> dev.cutover.app.SyncOnly.forgetRouters(f.plane, ALICE, "app moved off the router"))
                .isInstanceOf(dev.cutover.app.SyncOnly.Refused.class).hasMessageContaining("1 router is reporting")
                .hasMessageContaining("app-2 on web-8");
        assertThat(f.link.sync().hgetall(f.keys.routersSeen())).isNotEmpty();
        assertThat(f.store.read().version()).as("nothing written while refused").isEqualTo(version);
        assertRefused(Phase.NEW_PRIMARY, "no shadow reads compared");

        f.link.sync().del(f.keys.router("app-2"));
        dev.cutover.app.SyncOnly.Forgotten done = dev.cutover.app.SyncOnly.forgetRouters(f.plane, ALICE, "app moved off the router");
        assertThat(done.line(f.migration)).contains("forgot router app-1 on web-7").contains("audited as forget_routers");
        assertThat(f.link.sync().exists(f.keys.routersSeen())).isZero();
        AuditEntry entry = f.store.audit(1).get(0);
        assertThat(entry.action()).isEqualTo(ControlStore.ACTION_FORGET_ROUTERS);
        assertThat(entry.why()).contains("app-1 on web-7").endsWith("app moved off the router");
        assertThat(f.store.read().phase()).isEqualTo(Phase.DUAL_WRITE);
        assertThat(move(Phase.NEW_PRIMARY).phase()).as("sync-only now").isEqualTo(Phase.NEW_PRIMARY);
        // once more: nothing to forget, nothing written
        long after = f.store.read().version();
        assertThat(dev.cutover.app.SyncOnly.forgetRouters(f.plane, ALICE, "again").line(f.migration)).contains("nothing to forget");
        assertThat(f.store.read().version()).isEqualTo(after);
    }

    @Test
    void withoutSyncAndWithoutARouterTheRouterGuardsApplyAsBefore() {
        allButTheRouterGuardsPass();
        forceTo(Phase.DUAL_WRITE);
        assertRefused(Phase.NEW_PRIMARY, "no shadow reads compared");
        assertRefused(Phase.NEW_PRIMARY, "reads fully shifted: reads are 0% on the new side");
    }

    private void assertRefused(Phase to, String reason) {
        ControlState before = f.store.read();
        assertThatThrownBy(() -> move(to)).isInstanceOf(GuardRefusedException.class)
                .hasMessageContaining("cannot move from " + before.phase().wireName() + " to " + to.wireName())
                .hasMessageContaining(reason)
                .hasMessageContaining("--override --reason");
        assertThat(f.store.read()).isEqualTo(before);
    }
}
