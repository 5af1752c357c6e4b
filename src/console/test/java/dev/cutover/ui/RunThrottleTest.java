package dev.cutover.ui;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.WorkThrottle;
import dev.cutover.plan.Plan;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.work.Throttle;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The run controls of the Backfill and Verify screens without a window: this console's engine, and the throttle hash in real Redis. */
@NeedsServers
class RunThrottleTest {
    private final String migration = TestRedis.uniqueMigration("throttle");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final ConsoleRedis redis = new ConsoleRedis();
    private final Session session = new Session();
    private final SimpleBooleanProperty running = new SimpleBooleanProperty();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Throttle engine = new Throttle(0);
    private RunThrottle throttle;

    @BeforeAll
    static void fx() throws Exception {
        FxThread.start();
    }

    private void make() throws Exception {
        Plan plan = new Plan(Plan.CURRENT_VERSION, migration, List.of());
        throttle = FxThread.call(() -> new RunThrottle("verify", tasks, redis,
                RunThrottle.Run.of(new SimpleObjectProperty<>(plan), session, running), problems::add));
        throttle.controls().running(engine, () -> { });
    }

    @AfterEach
    void close() {
        tasks.close();
        redis.close();
    }

    private Map<String, String> hash() {
        return redis.commands(TestRedis.sharedUrl()).hgetall(new ControlKeys(migration).workThrottle("verify"));
    }

    @Test
    void withoutARunTheCapAndPauseActOnThisConsolesEngineOnly() throws Exception {
        session.redisUrl().set(TestRedis.sharedUrl());
        make();
        FxThread.run(() -> {
            throttle.cap().set(500);
            throttle.paused().set(true);
        });
        assertThat(engine.maxRowsPerSec()).isEqualTo(500);
        assertThat(engine.isPaused()).isTrue();
        assertThat(hash()).as("not running: nobody else to tell").isEmpty();
    }

    @Test
    void whileARunGoesTheHashIsWrittenFirstAndTheEngineFollows() throws Exception {
        session.redisUrl().set(TestRedis.sharedUrl());
        make();
        FxThread.run(() -> {
            running.set(true);
            throttle.cap().set(250);
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> engine.maxRowsPerSec() == 250);
        assertThat(hash()).containsEntry(WorkThrottle.MAX_ROWS_PER_SEC, "250").containsEntry(WorkThrottle.PAUSED, "false");

        FxThread.run(() -> throttle.paused().set(true));
        await().atMost(10, TimeUnit.SECONDS).until(engine::isPaused);
        await().atMost(10, TimeUnit.SECONDS).until(() -> "true".equals(hash().get(WorkThrottle.PAUSED)));

        // another console resumed the run: the screen follows without writing the hash back
        FxThread.run(() -> throttle.follow(false));
        assertThat(FxThread.call(() -> throttle.paused().get())).isFalse();
        assertThat(engine.isPaused()).isFalse();
        assertThat(hash()).containsEntry(WorkThrottle.PAUSED, "true");
        assertThat(problems).isEmpty();
    }

    @Test
    void aRedisThatCannotBeReachedIsOneLineAndTheEngineStillFollows() throws Exception {
        TestRedis dead = TestRedis.startPrivate();
        String url = dead.url();
        dead.close();
        session.redisUrl().set(url);
        make();
        FxThread.run(() -> {
            running.set(true);
            throttle.cap().set(75);
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> !problems.isEmpty());
        assertThat(problems).singleElement().asString().startsWith("Could not tell the other workers through Redis: ").doesNotContain("\n");
        assertThat(engine.maxRowsPerSec()).isEqualTo(75);
    }
}
