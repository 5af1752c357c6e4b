package dev.cutover.ui.sync;

import dev.cutover.app.SyncRun;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.SyncStatus;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.ConsoleRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the Change capture screen reads and says, against real PostgreSQL and Redis (no window). */
@NeedsServers
class SyncViewModelTest {
    private final SyncPairFixture pair = new SyncPairFixture("syncvm");
    private final ConsoleRedis redis = new ConsoleRedis();
    private SyncRun other;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (other != null) {
            other.stop();
            other.awaitEnd(30_000);
        }
        redis.close();
        pair.close();
    }

    private SyncViewModel.Lines now() {
        SyncViewModel.Reading r = SyncViewModel.read(redis, pair.oldDb(), pair.plan, false, TestRedis.sharedUrl());
        assertThat(r.problem()).isNull();
        return SyncViewModel.describe(r.status(), r.slot(), r.problem(), false, SyncSlot.nameFor(pair.migration), System.currentTimeMillis());
    }

    /**
     * Issue 15: under write target dual_write (traffic_shift) with no write block, the write card says
     * that writes go to the old database first and the routers mirror them to the new one, not
     * "writes go to the old database" alone; under old_only that line holds as it is.
     */
    @Test
    void theWritesLineFollowsTheWriteTargetInRedis() {
        String fwd = SyncSlot.nameFor(pair.migration);
        SyncViewModel.Reading o = SyncViewModel.read(redis, pair.oldDb(), pair.plan, false, null);
        SyncViewModel.Reading n = SyncViewModel.read(redis, pair.newDb(), pair.plan, true, null);
        FlipViewModel.Choice c = FlipViewModel.choose(null, FlipViewModel.stream(o, null, false), FlipViewModel.stream(n, null, false),
                fwd, fwd + "_rev");
        assertThat(c.writes()).isEqualTo("Writes go to the old database (no write block on either side)");
        java.util.function.Function<dev.cutover.control.Phase, String> at = ph -> SyncViewModel.writesLine(
                new dev.cutover.control.ControlState(ph, ph.writeTarget(), 50, 0.0, "", 3), c, c.writes());
        assertThat(at.apply(dev.cutover.control.Phase.TRAFFIC_SHIFT)).isEqualTo("Redis holds phase traffic_shift.\nWrites go to the old"
                + " database first; the routers mirror them to the new one (write target dual_write). No write block on either database.");
        assertThat(at.apply(dev.cutover.control.Phase.NEW_PRIMARY)).isEqualTo("Redis holds phase new_primary.\nWrites go to the new"
                + " database first; the routers mirror them to the old one (write target new_primary). No write block on either database.");
        assertThat(at.apply(dev.cutover.control.Phase.PLANNING)).isEqualTo("Redis holds phase planning, write target old_only: the routers"
                + " write to the old database only; the new one is not written.\nWrites go to the old database (no write block on either side)");
        assertThat(SyncViewModel.writesLine(null, c, c.writes())).isEqualTo(c.writes());
    }

    @Test
    void aSyncOfAnotherProcessIsRunningThenStoppedThenGone() throws Exception {
        String slot = SyncSlot.nameFor(pair.migration);
        SyncViewModel.Lines before = now();
        assertThat(before.state()).isEqualTo("Not running — no slot " + slot + " yet (Start creates it)");
        assertThat(before.running()).isFalse();
        assertThat(before.slotExists()).isFalse();
        assertThat(before.wal()).isEqualTo("Retained WAL: none (no slot)");

        // another process (here: a run this screen did not start) streams from the slot
        other = new SyncRun(pair.oldDb(), pair.newDb(), pair.plan, SyncRun.Settings.forward(TestRedis.sharedUrl()));
        other.start(null, r -> { }, e -> { });
        // the slot is made by the run: a row inserted before it exists is not in its stream
        await().atMost(30, TimeUnit.SECONDS).until(() -> now().running());
        pair.old.exec("INSERT INTO orders VALUES (1, 1.00)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> now().rate().startsWith("Changes/s: ") && now().rate().contains("(1 applied"));
        SyncViewModel.Lines running = now();
        assertThat(running.running()).isTrue();
        assertThat(running.otherProcess()).isTrue();
        assertThat(running.state()).startsWith("Running in another process — reported ").contains("slot active (server process ");
        assertThat(running.lag()).matches("Lag: [0-9.]+ [kMG]?B, [0-9.]+ s");
        assertThat(running.wal()).matches("Retained WAL: [0-9.]+ [kMG]?B \\(warning at 1\\.0 GB\\)");
        assertThat(running.walWarning()).isFalse();
        assertThat(running.error()).isEqualTo("Last error: none");

        other.stop();
        assertThat(other.awaitEnd(30_000)).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !now().running());
        SyncViewModel.Lines stopped = now();
        assertThat(stopped.state()).startsWith("Not running — slot " + slot + " exists and nobody streams from it; last reported stopped ");
        assertThat(stopped.rate()).isEqualTo("Changes/s: — (not running)");
        assertThat(stopped.lag()).endsWith("not yet applied (not running)");

        SyncRun.drop(pair.oldDb(), pair.plan, false, TestRedis.sharedUrl());
        assertThat(now().slotExists()).isFalse();
    }

    @Test
    void retainedWalOverTheWarningSizeAndTheLastErrorAreOneLineEach() {
        long now = System.currentTimeMillis();
        SyncStatus failed = new SyncStatus(SyncStatus.FAILED, "s", "0/0", 10, 0, 0, 5, 3L << 30, 1L << 30,
                "sync s: the new database refused a row of public.orders\n\tat some.Frame", now - 5000);
        SyncViewModel.Lines l = SyncViewModel.describe(failed, new SyncSlot.Info(false, null, "0/0", 10, 3L << 30), null, false, "s", now);
        assertThat(l.walWarning()).isTrue();
        assertThat(l.wal()).isEqualTo("Retained WAL: 3.0 GB — over the warning size of 1.0 GB: if sync is not coming back,"
                + " drop the slot before the server's disk fills");
        assertThat(l.error()).isEqualTo("Last error: sync s: the new database refused a row of public.orders");
        assertThat(l.state()).isEqualTo("Not running — slot s exists and nobody streams from it; last reported failed 5 s ago");
    }
}
