package dev.cutover.route;

import dev.cutover.control.Phase;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No write lost at the flip (docs/router.md, "No write lost at the flip"): a dual_write write's
 * mirror that fails after the write target changed to new_primary is replayed from the side the
 * write went to (old), not from the new truth of the phase in force, which never saw it.
 */
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
