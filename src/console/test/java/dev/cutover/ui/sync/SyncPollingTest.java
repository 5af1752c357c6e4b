package dev.cutover.ui.sync;

import dev.cutover.ui.TestConsole;
import dev.cutover.control.Actor;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change capture keeps polling while it is shown, the first time and again: the window puts a
 * screen into a new scroll pane each time it shows it, and its view passes through no parent on the
 * way, which stopped the polling (Views.whenHidden) just after it started.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SyncPollingTest {
    @TempDir
    static Path dir;

    private final SyncPairFixture pair = new SyncPairFixture("syncpoll");
    private final RedisLink link = RedisLink.open(TestRedis.sharedUrl());
    private final ControlStore store = new ControlStore(link, pair.migration);
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Path plan = dir.resolve("poll-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "orders"},
                  "target": {"schema": "public", "table": "orders"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"}]}]}
                """.formatted(pair.migration));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", pair.old.url(), "--new", pair.neu.url(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        ControlKeys k = store.keys();
        link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                k.audit(), k.key("changed_at"), k.key("created_at"), k.routingKeys());
        link.close();
        pair.close();
    }

    private boolean polls() throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> console.sync().polls()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void theWriteLineFollowsRedisOnChangeCaptureShownFirstAndAgain(FxRobot robot) throws Exception {
        ControlPlane plane = new ControlPlane(store, GuardSettings.defaults());
        ControlState s = ControlState.initial();
        Phase[] phases = {Phase.DUAL_WRITE, Phase.SHADOW_READ};
        for (Phase phase : phases) {
            robot.interact(() -> console.window().show("change-capture"));
            // the screen's first poll has read the databases
            try {
                WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> console.sync().flip().choice() != null
                        && console.sync().flip().choice().writesOn() != null);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no reading of the databases: " + console.sync().writes().get(), e);
            }
            WaitForAsyncUtils.waitForFxEvents();
            // the phase moves in Redis after that poll (another console, the CLI): a later poll shows it
            s = plane.movePhase(s, phase, Actor.current(), "test", true);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                    () -> console.sync().writes().get().startsWith("Redis holds phase " + phase.wireName()));
            // still polling once the window laid the screen out in its new scroll pane
            robot.interact(() -> stage.getScene().getRoot().layout());
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(polls()).as("polling while shown, pass " + phase).isTrue();
            robot.interact(() -> console.window().show("verify"));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(polls()).as("polling stopped once another screen is shown").isFalse();
        }
        assertThat(console.sync().control().get().phase()).isEqualTo(Phase.SHADOW_READ);
    }
}
