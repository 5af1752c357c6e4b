package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.FlipStatus;
import dev.cutover.control.FlipWait;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.control.RouterHeartbeat;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No write lost at the flip (docs/router.md, "No write lost at the flip"): a dual_write write's
 * mirror that fails after the write target changed to new_primary is replayed from the side the
 * write went to (old), not from the new truth of the phase in force, which never saw it.
 */
@NeedsServers
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FlipReplayTest {
    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("flip", TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aDualWriteMirrorFailingAfterTheFlipToNewPrimaryIsReplayedFromOldAndTheWriteKept() throws Exception {
        Router router = f.track(f.builder().mirrorThreads(1, 1000).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        router.write(MirrorBatchTest.PUT, 1L, 7L, 1L, new BigDecimal("7.00"), "ground");
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        try (Connection held = DriverManager.getConnection(f.newDb.url()); Statement s = held.createStatement()) {
            held.setAutoCommit(false);
            s.execute("SELECT 1 FROM orders WHERE id = 7 FOR UPDATE");
            // acknowledged: committed on old, the truth of dual_write; its mirror waits on the held row
            router.write(MirrorBatchTest.PUT, 1L, 7L, 1L, new BigDecimal("7.77"), "air");
            long mirror = awaitMirrorWaitingOnALock();
            // the write target flips while that mirror is still to run (the second a change takes to reach every router)
            RouterFixture.awaitVersion(router, f.set(Phase.NEW_PRIMARY).version());
            try (Connection admin = DriverManager.getConnection(f.newDb.url()); Statement k = admin.createStatement()) {
                k.execute("SELECT pg_terminate_backend(" + mirror + ")"); // the mirror fails now: queued
            }
            assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
            held.rollback();
        }
        assertThat(router.stats().mirrorFailures()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> router.stats().replayed() >= 1 && f.queueDepth() == 0);
        assertThat(amountOnOld(7)).as("the acknowledged write on the old database").isEqualByComparingTo("7.77");
        assertThat(f.newRows()).filteredOn(r -> ((Number) r.get("id")).longValue() == 7)
                .singleElement().satisfies(r -> assertThat(((Number) r.get("total_cents")).longValue())
                        .as("the acknowledged write on the new database, the truth from now on").isEqualTo(777));
        assertThat(f.converged()).as("old and new equal through the mapping").isTrue();
    }

    @Test
    void theFlipCompletesOnlyWhenEveryLiveRouterAcknowledgedItAndNothingFromBeforeItIsQueued() throws Exception {
        Router writer = f.track(f.builder().replay(false).mirrorThreads(1, 1000).build());
        long dual = f.set(Phase.DUAL_WRITE).version();
        RouterFixture.awaitVersion(writer, dual);
        writer.write(MirrorBatchTest.PUT, 1L, 7L, 1L, new BigDecimal("7.00"), "ground");
        assertThat(writer.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        // its heartbeat (once a second) has acknowledged the dual_write version before the flip starts
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.toString(dual).equals(
                f.redis().hget(f.keys.router(writer.instanceId()), ControlKeys.Heartbeat.ACKED_VERSION)));
        long now = System.currentTimeMillis();
        // a router that stopped a minute ago (its heartbeat not yet expired) is not live and is not waited for
        f.redis().hset(f.keys.router("gone"), Map.of(ControlKeys.Heartbeat.VERSION, "1", ControlKeys.Heartbeat.ACKED_VERSION, "1",
                ControlKeys.Heartbeat.AT, Long.toString(now - 60_000)));
        try (RedisLink link = RedisLink.open(f.redisUrl);
             Connection held = DriverManager.getConnection(f.newDb.url()); Statement s = held.createStatement()) {
            FlipWait wait = new FlipWait(new ControlStore(link, f.migration), Duration.ofSeconds(5));
            held.setAutoCommit(false);
            s.execute("SELECT 1 FROM orders WHERE id = 7 FOR UPDATE");
            writer.write(MirrorBatchTest.PUT, 1L, 7L, 1L, new BigDecimal("7.77"), "air");
            long mirror = awaitMirrorWaitingOnALock();
            ControlState flipped = f.set(Phase.NEW_PRIMARY);
            RouterFixture.awaitVersion(writer, flipped.version());
            // it applies the new version, but a mirror of a write made under the old one is still to run: not acknowledged
            await().atMost(Duration.ofSeconds(10)).until(() -> wait.status(flipped).live().stream()
                    .anyMatch(r -> r.instance().equals(writer.instanceId()) && r.version() == flipped.version()));
            FlipStatus behind = wait.status(flipped);
            assertThat(behind.complete()).isFalse();
            assertThat(behind.live()).extracting(RouterHeartbeat::instance).containsExactly(writer.instanceId());
            assertThat(behind.notAcknowledged()).extracting(RouterHeartbeat::instance).containsExactly(writer.instanceId());
            assertThat(behind.describe(System.currentTimeMillis())).contains("not acknowledged by " + writer.instanceId())
                    .contains("acknowledged " + (flipped.version() - 1));
            try (Connection admin = DriverManager.getConnection(f.newDb.url()); Statement k = admin.createStatement()) {
                k.execute("SELECT pg_terminate_backend(" + mirror + ")");
            }
            held.rollback();
            // its entry is in the stream: the router acknowledges, the queue still holds a write from before the flip
            await().atMost(Duration.ofSeconds(10)).until(() -> wait.status(flipped).notAcknowledged().isEmpty());
            FlipStatus queued = wait.status(flipped);
            assertThat(queued.complete()).isFalse();
            assertThat(queued.queuedUnderOtherTarget()).isEqualTo(Map.of("dual_write", 1L));
            assertThat(queued.describe(System.currentTimeMillis()))
                    .contains("1 failed write(s) still queued from before it (1 under dual_write)").doesNotContain("7.77");
            List<StreamMessage<String, String>> entries = f.redis().xrange(f.keys.failedWrites(), Range.create("-", "+"));
            assertThat(entries).singleElement().satisfies(m -> {
                assertThat(m.getBody()).containsEntry(ControlKeys.FailedWrite.WRITE_TARGET, "dual_write")
                        .containsEntry(ControlKeys.FailedWrite.VERSION, Long.toString(flipped.version() - 1));
            });
            // a router of a release before acked_version never counts as acknowledging
            f.redis().hset(f.keys.router("older"), Map.of(ControlKeys.Heartbeat.VERSION, Long.toString(flipped.version()),
                    ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis())));
            assertThat(wait.status(flipped).notAcknowledged()).extracting(RouterHeartbeat::instance).containsExactly("older");
            f.redis().del(f.keys.router("older"));
            // a router that replays: the entry goes old -> new, its own direction, and the flip completes
            Router replayer = f.router();
            FlipStatus done = wait.await(flipped, Duration.ofSeconds(30));
            assertThat(done.complete()).as(done.describe(System.currentTimeMillis())).isTrue();
            assertThat(done.live()).hasSize(2);
            assertThat(replayer.stats().replayed()).isEqualTo(1);
        } finally {
            f.redis().del(f.keys.router("gone"), f.keys.router("older"));
        }
        assertThat(amountOnOld(7)).isEqualByComparingTo("7.77");
        assertThat(f.converged()).as("old and new equal through the mapping").isTrue();
    }

    @Test
    void anEntryWithoutItsWriteTargetIsReplayedFromTheCurrentTruthAndHoldsTheFlipUntilReplayed() throws Exception {
        ControlState s = f.set(Phase.NEW_PRIMARY);
        f.oldDb.exec("INSERT INTO orders (id, tenant_id, total_amount, created_at) VALUES (9, 1, 1.00, '2024-01-01T00:00:00Z')");
        f.newDb.exec("INSERT INTO orders (id, tenant_id, total_cents, shipping_method, created_at) "
                + "VALUES (9, 1, 555, 'air', '2024-01-01T00:00:00Z')");
        // as a router before the version and write_target fields queued it
        f.redis().xadd(f.keys.failedWrites(), Map.of(ControlKeys.FailedWrite.TABLE, "orders", ControlKeys.FailedWrite.KEY,
                "{\"id\":9}", ControlKeys.FailedWrite.AT, Long.toString(System.currentTimeMillis()),
                ControlKeys.FailedWrite.ERROR, "write place_order not mirrored to the old database: timeout"));
        try (RedisLink link = RedisLink.open(f.redisUrl)) {
            FlipWait wait = new FlipWait(new ControlStore(link, f.migration), Duration.ofSeconds(5));
            assertThat(wait.status(s).queuedUnderOtherTarget()).isEqualTo(Map.of("unknown", 1L));
            Router router = f.router();
            FlipStatus done = wait.await(s, Duration.ofSeconds(30));
            assertThat(done.complete()).as(done.describe(System.currentTimeMillis())).isTrue();
            assertThat(router.stats().replayed()).isEqualTo(1);
        }
        assertThat(amountOnOld(9)).as("re-synced from new, the truth of new_primary").isEqualByComparingTo("5.55");
    }

    private BigDecimal amountOnOld(long id) throws Exception {
        try (Connection c = DriverManager.getConnection(f.oldDb.url()); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT total_amount FROM orders WHERE id = " + id)) {
            assertThat(rs.next()).as("order " + id + " on old").isTrue();
            return rs.getBigDecimal(1);
        }
    }

    /** The pid of the new database's session that waits for a row lock while running a mirror write. */
    private long awaitMirrorWaitingOnALock() throws Exception {
        try (Connection c = DriverManager.getConnection(f.newDb.url()); Statement s = c.createStatement()) {
            long[] pid = new long[1];
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                try (var rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO orders%'")) {
                    if (rs.next()) {
                        pid[0] = rs.getLong(1);
                        return true;
                    }
                    return false;
                }
            });
            return pid[0];
        }
    }
}
