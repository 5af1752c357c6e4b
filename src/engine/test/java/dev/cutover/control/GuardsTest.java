package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.pg.DbIdentity;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards say what they saw: the shadow-read guard reports the comparisons and the mismatch
 * rate every time, and refuses on a rate above the limit whatever the number of comparisons.
 * Metrics go through the routers' own {@link MetricsWriter} into real Redis buckets.
 */
@NeedsServers
@Timeout(60)
class GuardsTest {
    /** 0.1 % over 10 s with at least 1,000 comparisons. */
    private static final GuardSettings SETTINGS = new GuardSettings(Duration.ofHours(1), 0.001, Duration.ofSeconds(10), 1000);
    /** A fixed "now" (whole second), so the window is exactly the ten seconds written below. */
    private static final long NOW = (System.currentTimeMillis() / 1000) * 1000;

    private ControlFixture f;
    private Guards guards;
    private final AtomicLong writerClock = new AtomicLong();
    private MetricsWriter writer;

    @BeforeEach
    void setUp() {
        f = new ControlFixture(TestRedis.sharedUrl(), TestRedis.uniqueMigration("guards"));
        guards = new Guards(f.store, SETTINGS, () -> NOW);
        writer = new MetricsWriter(f.link, f.keys, Duration.ofMinutes(2), writerClock::get, false);
    }

    @AfterEach
    void tearDown() {
        writer.close();
        f.close();
    }

    /** {@code perSecond} comparisons, {@code mismatchesPerSecond} of them mismatched, in each of the last {@code seconds} seconds. */
    private void compared(int seconds, int perSecond, int mismatchesPerSecond) {
        for (int s = seconds; s >= 1; s--) {
            writerClock.set(NOW - s * 1000L);
            for (int i = 0; i < perSecond; i++) {
                writer.compared("orders_by_tenant", i < mismatchesPerSecond);
            }
        }
        assertThat(writer.flush()).isTrue();
    }

    @Test
    void aHighMismatchRateWithTooFewComparisonsIsRefusedOnTheRateAndSaysBothFigures() {
        compared(10, 25, 13); // 250 compared, 130 mismatched: 52 %
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("52%").contains("130 of 250").contains("above the 0.1% limit")
                .contains("fewer than the 1,000 comparisons");
    }

    @Test
    void aHighRateOnAHandfulOfSamplesIsStillARefusalWithTheFigures() {
        compared(1, 5, 3); // 5 compared in the last second only, 3 mismatched
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("60%").contains("3 of 5").contains("above the 0.1% limit");
    }

    @Test
    void tooFewCleanComparisonsAreRefusedOnTheCountAndSayTheRateToo() {
        compared(10, 50, 0); // 500 compared, none mismatched
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("0% mismatched (0 of 500 compared)").contains("at least 1,000 comparisons needed");
    }

    @Test
    void noComparisonsAtAllSaySo() {
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("no shadow reads compared in the last 10 s").contains("at least 1,000 comparisons needed");
    }

    @Test
    void comparisonsOnlyInPartOfTheWindowAreRefusedWithTheFigures() {
        compared(3, 400, 0); // 1,200 compared, all in the last 3 s
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("0% mismatched (0 of 1,200 compared)").contains("only for the last 3 s of the 10 s window");
    }

    @Test
    void enoughCleanComparisonsOverTheWholeWindowPassAndSayWhatWasSeen() {
        compared(10, 200, 0); // 2,000 compared, 0 mismatched
        GuardCheck c = guards.mismatchRate();
        assertThat(c.ok()).isTrue();
        assertThat(c.detail()).contains("0% mismatched (0 of 2,000 compared) in the last 10 s").contains("under the 0.1% limit");
    }

    @Test
    void aVerificationCountsOnlyForTheDatabasesAndPlanItRecorded() {
        Guards connected = new Guards(f.store, SETTINGS, System::currentTimeMillis, () -> ControlFixture.PAIR);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000, VerifiedPair.UNKNOWN);
        assertThat(connected.verification(Verify.DIRECTION_FORWARD).detail())
                .startsWith("the latest verification recorded no database identity or plan hash");

        VerifiedPair otherPlan = new VerifiedPair(ControlFixture.PAIR.oldDb(), ControlFixture.PAIR.newDb(), "sha256:" + "cd".repeat(32));
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000, otherPlan);
        GuardCheck c = connected.verification(Verify.DIRECTION_FORWARD);
        assertThat(c.ok()).isFalse();
        assertThat(c.detail()).contains("the verification ran with plan sha256:cdcdcdcdcdcd, but this check has plan sha256:abababababab");

        VerifiedPair otherCluster = new VerifiedPair(new DbIdentity("7999999999999999999", "shop_old", 16384),
                ControlFixture.PAIR.newDb(), ControlFixture.PAIR.planHash());
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000, otherCluster);
        assertThat(connected.verification(Verify.DIRECTION_FORWARD).detail())
                .contains("old database \"shop_old\" (oid 16384) of cluster 7999999999999999999 was verified, "
                        + "but this check is connected to old database \"shop_old\" (oid 16384) of cluster 7000000000000000001");

        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        GuardCheck ok = connected.verification(Verify.DIRECTION_FORWARD);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.detail()).contains("1,200 rows compared, 0 differences").contains("of these databases and plan");
        // an evaluator that knows none of them cannot match it, and says what it lacks
        assertThat(guards.verification(Verify.DIRECTION_FORWARD).detail())
                .contains("this check has no old database (--old), no new database (--new), no plan (--plan)");
        // one that cannot reach its database says so
        Guards unreachable = new Guards(f.store, SETTINGS, System::currentTimeMillis, () -> {
            throw new ControlException("cannot connect to the old database at jdbc:postgresql://127.0.0.1:1/x: refused");
        });
        assertThat(unreachable.verification(Verify.DIRECTION_FORWARD).detail())
                .startsWith("cannot tell which databases this check is connected to (cannot connect to the old database");
    }

    @Test
    void theOtherGuardsSayWhatTheySawToo() {
        f.backfill(Backfill.STATE_COMPLETE);
        assertThat(guards.backfillComplete().detail()).isEqualTo("1,200 of 1,200 rows copied (state complete)");
        // as the backfill records a finished run: the counts with thousands separators, as the command line prints them
        f.link.sync().hset(f.keys.backfill(), java.util.Map.of(Backfill.ROWS_DONE, "20500", Backfill.ROWS_WRITTEN, "20500",
                Backfill.ROWS_SKIPPED, "1200"));
        assertThat(guards.backfillComplete().detail()).isEqualTo("20,500 rows read, 20,500 written, 1,200 skipped (cutover.backfill_skipped)");
        f.failedWrite();
        assertThat(guards.queueDrained().detail()).isEqualTo("1 failed write waiting to be replayed");
        f.drainQueue();
        assertThat(guards.queueDrained().detail()).isEqualTo("0 failed writes waiting");
    }

    @Test
    void theReaderSeesAFailedWriteQueuedAfterTheVerificationEvenOnceReplayedAndARepairAfterIt() {
        Guards connected = new Guards(f.store, SETTINGS, System::currentTimeMillis, () -> ControlFixture.PAIR);
        f.verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        assertThat(connected.verification(Verify.DIRECTION_FORWARD).ok()).isTrue();
        f.failedWrite();
        // replayed as the routers do: XDEL keeps the stream and its last generated id
        f.link.sync().xtrim(f.keys.failedWrites(), 0);
        assertThat(f.store.streamLength(f.keys.failedWrites())).isZero();
        GuardCheck stale = connected.verification(Verify.DIRECTION_FORWARD);
        assertThat(stale.ok()).isFalse();
        assertThat(stale.detail()).startsWith("the latest verification is stale: a failed write was queued");

        f.verified(true, Verify.DIRECTION_FORWARD, false, 0); // verified again after it
        assertThat(connected.verification(Verify.DIRECTION_FORWARD).ok()).isTrue();
        f.link.sync().hset(f.keys.verify(), Verify.REPAIRED_AT, Long.toString(System.currentTimeMillis() + 1000));
        assertThat(connected.verification(Verify.DIRECTION_FORWARD).detail()).contains("a repair changed rows");
    }
}
