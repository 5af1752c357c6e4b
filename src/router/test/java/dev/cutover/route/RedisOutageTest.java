package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Phase;
import dev.cutover.control.WriteTarget;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis stops mid-traffic: the router keeps serving under the last state, spills what it cannot queue, recovers. */
@NeedsServers
class RedisOutageTest {
    private TestRedis redis;
    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        redis = TestRedis.startPrivate();
        f = new RouterFixture("outage", redis.url());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            f.close();
        } finally {
            redis.close();
        }
    }

    @Test
    void readsAndWritesGoOnUnderTheLastStateAndSpilledWritesReplayAfterwards() throws Exception {
        Router router = f.router();
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        for (long id = 1; id <= 5; id++) {
            router.write(RouterFixture.PLACE, 1L, id, 1L, new BigDecimal("1.00"), "ground");
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.isDegraded()).isFalse();

        redis.kill();
        awaitDegraded(router, true);
        assertThat(router.degradedReason()).get().asString().contains("redis");
        // requests go on under the last known state; mirrors still reach new
        for (long id = 6; id <= 10; id++) {
            router.write(RouterFixture.PLACE, 1L, id, 1L, new BigDecimal("2.00"), "air");
        }
        assertThat(router.read(RouterFixture.LIST, 1L, 1L)).hasSize(10);
        assertThat(router.state().writeTarget()).isEqualTo(WriteTarget.DUAL_WRITE);
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(10);

        // now the new database fails too: mirror writes can be queued neither in Redis nor... only in the spill file
        f.cutOffNew();
        for (long id = 3; id <= 14; id++) {
            router.write(RouterFixture.PLACE, 1L, id, 1L, new BigDecimal("3.00"), "sea");
        }
        assertThat(router.read(RouterFixture.LIST, 1L, 1L)).hasSize(14);
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
        assertThat(router.stats().spilled()).isEqualTo(12);
        assertThat(spilledLines()).isEqualTo(12);
        assertThat(f.converged()).isFalse();

        f.restoreNew();
        redis.start();  // an empty Redis on the same port: the state keys are gone, the router keeps its last state
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> spilledLines() == 0 && f.queueDepth() == 0 && f.converged());
        assertThat(spilledLines()).isZero();
        assertThat(f.queueDepth()).isZero();
        assertThat(f.converged()).as("spilled writes replayed").isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(14);
        awaitDegraded(router, false);
        assertThat(router.state().writeTarget()).isEqualTo(WriteTarget.DUAL_WRITE);
        // and the control state, started again from version 1 in the empty Redis, is followed again
        f.set(Phase.NEW_PRIMARY);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(router.state().writeTarget()).isEqualTo(WriteTarget.NEW_PRIMARY));
    }

    @Test
    void aRouterStartingWhileRedisIsDownUsesTheSavedStateAndSaysItIsDegraded() throws Exception {
        Router first = f.router();
        RouterFixture.awaitVersion(first, f.set(Phase.SHADOW_READ, 0, 0.5, "s").version());
        first.close();
        redis.kill();
        Router second = f.router();
        assertThat(second.isDegraded()).isTrue();
        assertThat(second.state().phase()).isEqualTo(Phase.SHADOW_READ);
        assertThat(second.state().shadowSampleRate()).isEqualTo(0.5);
        second.write(RouterFixture.PLACE, 1L, 1L, 1L, new BigDecimal("1.00"), "ground");
        assertThat(second.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.count(f.newDb)).as("mirrored under the saved dual-write state").isEqualTo(1);
    }

    private long spilledLines() throws Exception {
        long n = 0;
        try (Stream<Path> files = Files.list(f.spillDir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                n += Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
            }
        }
        return n;
    }

    private static void awaitDegraded(Router r, boolean degraded) throws InterruptedException {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(r.isDegraded()).as("degraded: %s", r.degradedReason()).isEqualTo(degraded));
    }
}
