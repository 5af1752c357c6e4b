package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis killed and restarted under running clients, with and without persistence. */
@NeedsServers
class RedisRestartTest {
    private static final Actor ME = new Actor("dba", "console-1");

    @Test
    void withPersistenceClientsReconnectAndTheStateIsIntact() {
        try (TestRedis redis = TestRedis.startPrivate("--appendonly", "yes", "--appendfsync", "always");
             ControlFixture f = new ControlFixture(redis.url(), TestRedis.uniqueMigration("persist"))) {
            f.plane.movePhase(f.store.read(), Phase.DUAL_WRITE, ME, "setup", true);
            ControlState before = f.plane.setSampleRate(f.store.read(), 0.25, ME, "");

            redis.kill();
            redis.start();

            // the same client, without reopening anything
            ControlView after = f.store.view();
            assertThat(after.isLost()).isFalse();
            assertThat(after.state()).isEqualTo(before);
            assertThat(f.store.audit(10)).hasSize(2);
            ControlState next = f.plane.movePhase(after.state(), Phase.BACKFILL, ME, "rollback after restart", false);
            assertThat(next.version()).isEqualTo(before.version() + 1);
        }
    }

    @Test
    void withoutPersistenceTheConsoleSaysTheStateIsLostAndRefusesToStartOver(@TempDir Path cacheDir) {
        String migration = TestRedis.uniqueMigration("lost");
        try (TestRedis redis = TestRedis.startPrivate();
             ControlFixture f = new ControlFixture(redis.url(), migration)) {
            ControlStore console = new ControlStore(f.link, migration, new LastSeenCache(cacheDir, redis.url(), migration));
            ControlPlane plane = new ControlPlane(console, ControlFixture.FAST);
            plane.movePhase(console.read(), Phase.TRAFFIC_SHIFT, ME, "setup", true);
            ControlState before = plane.setReadPercent(console.read(), 1, ME, "", false);
            assertThat(before.version()).isEqualTo(2);

            redis.kill();
            redis.start();

            ControlView view = console.view();
            assertThat(view.isLost()).isTrue();
            assertThat(view.lost()).contains("holds no control state for migration " + migration)
                    .contains("version 2 (phase traffic_shift) was seen before")
                    .contains("restore it with: cutover phase traffic_shift --override --reason \"restore after Redis loss\" --migration " + migration);
            assertThat(view.state().version()).isZero();
            assertThatThrownBy(() -> plane.movePhase(view.state(), Phase.BACKFILL, ME, "x", true))
                    .isInstanceOf(StateLostException.class);
            assertThatThrownBy(() -> plane.setSampleRate(view.state(), 0.5, ME, "x"))
                    .isInstanceOf(StateLostException.class);
            assertThat(f.link.sync().exists(f.keys.version())).as("nothing was written").isZero();

            // a new process on this machine knows from the local cache
            ControlStore fresh = new ControlStore(f.link, migration, new LastSeenCache(cacheDir, redis.url(), migration));
            assertThat(fresh.view().lost()).contains("version 2 (phase traffic_shift) was seen before");

            // explicit restore: same phase, read percent and routing salt, version above any seen, audited
            ControlState restored = new ControlPlane(fresh, ControlFixture.FAST)
                    .restore(Phase.TRAFFIC_SHIFT, ME, "restore after Redis loss");
            assertThat(restored.phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
            assertThat(restored.readPercent()).isEqualTo(1);
            assertThat(restored.routingSalt()).isEqualTo(before.routingSalt());
            assertThat(restored.version()).isEqualTo(3);
            assertThat(console.view().isLost()).isFalse();
            AuditEntry e = console.audit(10).get(0);
            assertThat(e.action()).isEqualTo("restore");
            assertThat(e.why()).isEqualTo("restore after Redis loss");
            assertThat(e.who()).isEqualTo("dba@console-1");
            assertThatThrownBy(() -> new ControlPlane(fresh, ControlFixture.FAST).restore(Phase.PLANNING, ME, "again"))
                    .hasMessageContaining("there is nothing to restore");
        }
    }

    @Test
    void aFollowerResubscribesAfterARestartAndSeesTheNextChanges() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate("--appendonly", "yes", "--appendfsync", "always");
             ControlFixture f = new ControlFixture(redis.url(), TestRedis.uniqueMigration("follow-restart"))) {
            f.plane.setSampleRate(f.store.read(), 0.1, ME, "");
            java.util.List<ControlState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ControlFollower follower = ControlFollower.start(new ControlStore(f.link, f.migration), seen::add, 60_000)) {
                ControlFollowerTest.await(() -> follower.version() == 1);
                redis.kill();
                redis.start();
                ControlFollowerTest.await(() -> {
                    try {
                        f.plane.setSampleRate(f.store.read(), 0.2, ME, "");
                        return true;
                    } catch (ControlException e) {
                        return false;
                    }
                });
                ControlFollowerTest.await(() -> follower.version() == 2);
            }
            assertThat(seen).extracting(ControlState::version).containsExactly(1L, 2L);
        }
    }

    @Test
    void aFollowerIsToldWhenRedisComesBackWithoutTheState() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate();
             ControlFixture f = new ControlFixture(redis.url(), TestRedis.uniqueMigration("follow-lost"))) {
            f.plane.setSampleRate(f.store.read(), 0.1, ME, "");
            java.util.List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.List<ControlState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ControlFollower follower = ControlFollower.start(new ControlStore(f.link, f.migration), new ControlFollower.Listener() {
                @Override
                public void changed(ControlState state) {
                    seen.add(state);
                }

                @Override
                public void lost(String reason) {
                    lost.add(reason);
                }
            }, 200)) {
                ControlFollowerTest.await(() -> follower.version() == 1);
                redis.kill();
                redis.start();
                ControlFollowerTest.await(() -> !lost.isEmpty());
            }
            assertThat(lost.get(0)).contains("holds no control state").contains("version 1");
            assertThat(seen).extracting(ControlState::version).containsExactly(1L);
        }
    }

    @Test
    void aStateWithoutItsCreationMarkerIsReportedAsPartlyEvicted() {
        try (ControlFixture f = new ControlFixture("evicted")) {
            f.plane.setSampleRate(f.store.read(), 0.1, ME, "");
            f.link.sync().del(f.keys.version());
            ControlStore other = new ControlStore(f.link, f.migration);
            assertThat(other.view().lost()).contains("holds created_at but no version");
            // the compare-and-set itself refuses to start over on top of the remains
            assertThatThrownBy(() -> other.apply(ControlState.initial(), ControlState.initial(), ME, "phase", "", false, ""))
                    .isInstanceOf(StateLostException.class);
        }
    }

    @Test
    void aRouterStillApplyingAVersionRevealsALostState() {
        try (ControlFixture f = new ControlFixture("router-knows")) {
            f.link.sync().hset(f.keys.router("app-1"), java.util.Map.of(ControlKeys.Heartbeat.VERSION, "12",
                    ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis())));
            f.link.sync().expire(f.keys.router("app-1"), 60);
            assertThat(f.store.view().lost()).contains("routers still apply version 12");
            ControlState restored = f.plane.restore(Phase.SHADOW_READ, ME, "restore after Redis loss");
            assertThat(restored.version()).isEqualTo(13);
            assertThat(restored.shadowSampleRate()).isEqualTo(ControlPlane.DEFAULT_SAMPLE_RATE);
        }
    }
}
