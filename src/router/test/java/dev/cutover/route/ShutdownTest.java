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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shutting down: mirror writes that cannot finish are queued; pending shadow comparisons finish. */
@NeedsServers
class ShutdownTest {
    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("shutdown", TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void mirrorWritesThatCannotRunBeforeShutdownAreQueued() throws Exception {
        Router router = f.track(f.builder().mirrorThreads(1, 100).shutdownTimeout(Duration.ofMillis(500)).replay(false).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        try (Connection lock = f.newDb.connect(); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");  // the mirror lane blocks on its first write
            for (long id = 1; id <= 5; id++) {
                router.write(RouterFixture.PLACE, 1L, id, 1L, new BigDecimal("1.00"), "ground");
            }
            router.close();
            assertThat(f.queueDepth()).as("the four writes waiting behind the blocked one").isEqualTo(4);
            assertThatThrownBy(() -> router.write(RouterFixture.PLACE, 1L, 9L, 1L, BigDecimal.ONE, "x"))
                    .hasMessageContaining("closed");
            lock.rollback();
        }
        // the blocked mirror write completes on its own once the lock is gone
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.count(f.newDb) >= 1);
        assertThat(f.count(f.newDb)).isEqualTo(1);
        Router replayer = f.router();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(f::converged);
        assertThat(replayer.stats().replayed()).isEqualTo(4);
    }

    @Test
    void pendingShadowComparisonsFinishBeforeShutdownReturns() throws Exception {
        f.oldDb.exec("INSERT INTO orders VALUES (1, 7, 12.50, '{\"shipping_method\":\"ground\"}', '2024-01-01Z')");
        f.newDb.exec("INSERT INTO orders VALUES (1, 7, 1299, 'ground', '2024-01-01Z')");
        Router router = f.track(f.builder().recheckDelay(Duration.ofMillis(300)).build());
        RouterFixture.awaitVersion(router, f.set(Phase.SHADOW_READ, 0, 1.0, "s").version());
        router.read(RouterFixture.LIST, 7L, 7L);
        router.close();
        assertThat(router.stats().shadowMismatches()).isEqualTo(1);
        assertThat(f.redis().llen(f.keys.mismatchSamples())).isEqualTo(1);
    }
}
