package dev.cutover.ui;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.connections.ProfileStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole window: status bar honesty, the status read from Redis, navigation, shortcuts, theme, remembered prefs. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class ConsoleShellTest {
    @TempDir
    static Path dir;

    private static final String MIGRATION = TestRedis.uniqueMigration("shell");
    private Console console;
    private Path prefsFile;

    @Start
    void start(Stage stage) throws Exception {
        Path plan = dir.resolve("shell.json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "t"},
                 "target": {"schema": "public", "table": "t"}, "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}
                """.formatted(MIGRATION));
        prefsFile = dir.resolve("console-" + System.nanoTime() + ".json");
        console = new Console(ConsoleArgs.parse(List.of("--plan", plan.toString(), "--redis", TestRedis.sharedUrl())),
                new WindowPrefs(prefsFile), new ProfileStore(dir.resolve("profiles-" + System.nanoTime() + ".json")),
                BackgroundTasks.daemonPool());
        console.show(stage);
    }

    @AfterEach
    void close() throws Exception {
        console.close();
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            ControlKeys k = new ControlKeys(MIGRATION);
            r.sync().del(k.phase(), k.readPercent(), k.version(), k.writeTarget(), k.createdAt(), k.router("app-1"));
        } catch (Exception ignored) {
            // best effort cleanup of a unique migration's keys
        }
    }

    @Test
    void statusBarIsHonestAboutWhatItDoesNotKnowAndReadsTheControlStateFromRedis(FxRobot robot) throws Exception {
        assertThat(text(robot, "#status-old")).isEqualTo("Old DB: not connected");
        assertThat(text(robot, "#status-new")).isEqualTo("New DB: not connected");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> text(robot, "#status-redis").equals("Redis: up"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> text(robot, "#status-phase").startsWith("Phase: planning"));
        assertThat(text(robot, "#status-phase")).isEqualTo("Phase: planning (no state yet)");
        assertThat(text(robot, "#status-routers")).isEqualTo("Routers: no routers reporting");

        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            ControlKeys k = new ControlKeys(MIGRATION);
            // created_at too: a version without it is a state Redis lost (ControlStore.view); the heartbeat's "at" makes it live
            r.sync().mset(java.util.Map.of(k.phase(), "traffic_shift", k.readPercent(), "25", k.version(), "4",
                    k.writeTarget(), "dual_write", k.createdAt(), Long.toString(System.currentTimeMillis())));
            r.sync().hset(k.router("app-1"), java.util.Map.of("degraded", "true", "reason", "redis unreachable since 12:00",
                    "at", Long.toString(System.currentTimeMillis() + 60_000)));
        }
        robot.interact(() -> console.status().poll());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> text(robot, "#status-read").equals("Reads on new: 25 %"));
        assertThat(text(robot, "#status-phase")).isEqualTo("Phase: traffic_shift");
        assertThat(text(robot, "#status-routers")).isEqualTo("Routers: 1 of 1 routers degraded: redis unreachable since 12:00");
        assertThat(robot.lookup("#status-routers").queryAs(Label.class).getStyleClass()).contains("danger-text");
    }

    @Test
    void navigationShortcutsThemeAndTitle(FxRobot robot) {
        assertThat(console.window().current().title()).isEqualTo("Connections");
        robot.clickOn("#nav-mappings");
        assertThat(console.window().current().title()).isEqualTo("Mappings");
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT6).release(KeyCode.DIGIT6, KeyCode.CONTROL);
        assertThat(console.window().current().title()).isEqualTo("Traffic & phase");
        assertThat(robot.window(0).getScene().getWindow()).isInstanceOf(Stage.class);
        assertThat(((Stage) robot.window(0)).getTitle()).isEqualTo("Cutover — " + MIGRATION + " — shell.json");

        robot.clickOn("#theme-toggle");
        assertThat(console.window().getStyleClass()).contains("dark");
        assertThat(new WindowPrefs(prefsFile).dark()).as("remembered in the file").isTrue();
        robot.clickOn("#theme-toggle");
        assertThat(console.window().getStyleClass()).doesNotContain("dark");
        assertThat(new WindowPrefs(prefsFile).lastPlan()).isEqualTo(dir.resolve("shell.json").toAbsolutePath());
        assertThat(new WindowPrefs(prefsFile).dark()).isFalse();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }
}
