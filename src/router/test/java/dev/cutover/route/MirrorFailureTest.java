package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The new database goes away during dual_write: callers see nothing, keys are queued, replay converges. */
@NeedsServers
class MirrorFailureTest {
    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("mirror", TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void newDatabaseCutOffDuringDualWriteQueuesKeysAndReplayConverges() throws Exception {
        Router router = f.track(f.builder().replay(false).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        for (long id = 1; id <= 20; id++) {
            router.write(RouterFixture.PLACE, id % 3, id, id % 3, new BigDecimal(id + ".25"), "ground");
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.converged()).isTrue();

        f.cutOffNew();
        for (long id = 10; id <= 40; id++) {  // updates of mirrored rows and new rows
            router.write(RouterFixture.PLACE, id % 3, id, id % 3, new BigDecimal(id + ".75"), "air");
        }
        router.write(RouterFixture.CANCEL, 1L, 1L);
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
        assertThat(f.count(f.oldDb)).isEqualTo(39);
        assertThat(router.stats().mirrorFailures()).isEqualTo(32);
        assertThat(f.queueDepth()).isEqualTo(32);
        assertThat(router.isDegraded()).isTrue();
        assertThat(router.degradedReason()).get().asString().contains("new database");

        f.restoreNew();
        // a replay worker (another router, replay on) takes the queue over
        Router replayer = f.router();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> f.queueDepth() == 0);
        assertThat(f.queueDepth()).isZero();
        assertThat(f.converged()).as("old and new equal through the mapping after replay").isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(39);
        assertThat(replayer.stats().replayed()).isEqualTo(32);
        // replaying the same keys again changes nothing (idempotent)
        for (long id = 10; id <= 12; id++) {
            new KeyResync(f.plan, f.oldDs, f.newDs).resync("orders", "{\"id\":" + id + "}", dev.cutover.sql.Direction.FORWARD);
        }
        new KeyResync(f.plan, f.oldDs, f.newDs).resync("orders", "{\"id\":1}", dev.cutover.sql.Direction.FORWARD);
        assertThat(f.converged()).isTrue();
    }

    @Test
    void aLongQueueIsReplayedInBatchesNotAKeyAtATime() throws Exception {
        Router router = f.track(f.builder().replay(false).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        f.cutOffNew();
        for (long id = 1; id <= 300; id++) {
            router.write(RouterFixture.PLACE, id % 7, id, id % 7, new BigDecimal(id + ".10"), "ground");
        }
        for (long id = 1; id <= 40; id++) { // the same keys again: queued twice, replayed as one
            router.write(RouterFixture.PLACE, id % 7, id, id % 7, new BigDecimal(id + ".20"), "air");
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(20))).isTrue();
        assertThat(f.queueDepth()).isEqualTo(340);
        f.restoreNew();

        long before = f.transactionIdsOnNew();
        Router replayer = f.router();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> f.queueDepth() == 0);
        assertThat(f.queueDepth()).isZero();
        assertThat(f.converged()).isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(300);
        assertThat(replayer.stats().replayed()).isEqualTo(340);
        // one transaction per key would take 340 transaction ids or more; batches of the queue's runs a few dozen at most
        assertThat(f.transactionIdsOnNew() - before).isLessThan(60);
    }

    @Test
    void killedConnectionsDuringDualWriteNeverFailTheCaller() throws Exception {
        Router router = f.router();
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        // the fault: every session of the new database terminated 30 times, every 10 ms, while the writes run
        java.util.concurrent.CountDownLatch kills = new java.util.concurrent.CountDownLatch(30);
        java.util.concurrent.ScheduledExecutorService killer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        killer.scheduleAtFixedRate(() -> {
            if (kills.getCount() > 0) {
                f.newDb.killConnections();
                kills.countDown();
            }
        }, 0, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            for (long id = 1; id <= 150; id++) {
                router.write(RouterFixture.PLACE, id % 5, id, id % 5, new BigDecimal("1.00"), "ground");
            }
            assertThat(kills.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("all 30 kills ran").isTrue();
        } finally {
            killer.shutdownNow();
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
        assertThat(f.count(f.oldDb)).isEqualTo(150);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> f.queueDepth() == 0 && f.converged());
        assertThat(f.converged()).isTrue();
        assertThat(router.stats().mirrored() + router.stats().mirrorFailures()).isEqualTo(150);
    }

    @Test
    void newPrimaryReplaysInReverseFromTheNewDatabase() throws Exception {
        Router router = f.track(f.builder().replay(false).build());
        RouterFixture.awaitVersion(router, f.set(Phase.NEW_PRIMARY).version());
        router.write(RouterFixture.PLACE, 1L, 1L, 1L, new BigDecimal("5.00"), "air");
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        // the old database refuses writes for a moment: the mirror to old fails
        f.oldDb.exec("ALTER TABLE orders ADD CONSTRAINT small CHECK (total_amount < 6)");
        router.write(RouterFixture.PLACE, 1L, 1L, 1L, new BigDecimal("9.00"), "air");
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.queueDepth()).isEqualTo(1);
        assertThat(f.converged()).isFalse();
        // an old queue entry replayed while new is the truth must not bring back old data
        f.oldDb.exec("ALTER TABLE orders DROP CONSTRAINT small");
        assertThat(router.state().phase()).isEqualTo(Phase.NEW_PRIMARY);
        Router replayer = f.router();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> f.queueDepth() == 0);
        assertThat(f.converged()).isTrue();
        try (Connection c = f.oldDb.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT total_amount FROM orders WHERE id = 1")) {
            rs.next();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("9.00");
        }
        assertThat(replayer.stats().replayed()).isEqualTo(1);
        assertThat(List.of(ReplayWorker.direction(router.state()))).containsExactly(dev.cutover.sql.Direction.REVERSE);
    }
}
