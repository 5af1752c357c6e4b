package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class ControlFollowerTest {
    private static final Actor ME = new Actor("tester", "h");

    @Test
    void aSubscriberSeesEveryChangeInOrder() throws Exception {
        try (ControlFixture f = new ControlFixture("follow")) {
            List<ControlState> seen = new CopyOnWriteArrayList<>();
            try (ControlFollower follower = ControlFollower.start(new ControlStore(f.link, f.migration), seen::add)) {
                await(() -> seen.size() == 1);
                assertThat(seen.get(0).version()).isZero();
                for (int i = 1; i <= 40; i++) {
                    f.plane.setSampleRate(f.store.read(), i / 100.0, ME, "");
                }
                await(() -> follower.version() == 40);
            }
            assertThat(seen).extracting(ControlState::version).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(0, 40).boxed().toList());
            assertThat(seen.get(40).shadowSampleRate()).isEqualTo(0.40);
        }
    }

    @Test
    void afterADroppedConnectionTheSubscriberCatchesUpWithEveryMissedChange() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate()) {
            String admin = redis.url();
            String migration = TestRedis.uniqueMigration("drop");
            try (ControlFixture f = new ControlFixture(admin, migration)) {
                // the follower connects as its own user, so the test can cut it off and keep it off
                f.link.sync().aclSetuser("follower", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("pw").allKeys()
                        .allChannels().allCommands());
                List<ControlState> seen = new CopyOnWriteArrayList<>();
                List<Boolean> connection = new CopyOnWriteArrayList<>();
                try (RedisLink followerLink = RedisLink.open("redis://follower:pw@127.0.0.1:" + redis.port());
                     ControlFollower follower = ControlFollower.start(new ControlStore(followerLink, migration),
                             new ControlFollower.Listener() {
                                 @Override
                                 public void changed(ControlState state) {
                                     seen.add(state);
                                 }

                                 @Override
                                 public void connection(boolean up) {
                                     connection.add(up);
                                 }
                             }, 60_000)) {
                    f.plane.setSampleRate(f.store.read(), 0.01, ME, "");
                    await(() -> follower.version() == 1);

                    f.link.sync().aclSetuser("follower", io.lettuce.core.AclSetuserArgs.Builder.off());
                    f.link.sync().clientKill(io.lettuce.core.KillArgs.Builder.user("follower"));
                    await(() -> connection.contains(false));
                    // a second follower, not cut off, proves each change was published and delivered
                    try (ControlFollower witness = ControlFollower.start(f.store, s -> { }, 60_000)) {
                        for (int i = 2; i <= 6; i++) {
                            f.plane.setSampleRate(f.store.read(), i / 100.0, ME, "");
                        }
                        await(() -> witness.version() == 6);
                    }
                    assertThat(follower.version()).as("cut off, the follower saw nothing yet").isEqualTo(1);

                    f.link.sync().aclSetuser("follower", io.lettuce.core.AclSetuserArgs.Builder.on());
                    await(() -> follower.version() == 6);
                    f.plane.setSampleRate(f.store.read(), 0.07, ME, "");
                    await(() -> follower.version() == 7);
                }
                assertThat(seen).extracting(ControlState::version).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
                assertThat(seen).extracting(ControlState::shadowSampleRate)
                        .containsExactly(0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07);
                assertThat(connection).contains(false, true);
            }
        }
    }

    static void await(BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(condition::getAsBoolean);
    }
}
