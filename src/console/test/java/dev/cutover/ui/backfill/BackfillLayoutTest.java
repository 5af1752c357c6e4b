package dev.cutover.ui.backfill;

import dev.cutover.control.ControlKeys;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import dev.cutover.ui.TestConsole;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Backfill screen in the whole console at 1024×700, scrolled down to its chart as a DBA watching
 * a run has it: starting the run and its end (the run's work and progress bar shown and gone in the
 * status bar) move none of the controls under the mouse.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackfillLayoutTest {
    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("bflay");
    private final TestDb old = TestDb.create("bflay_old");
    private final TestDb neu = TestDb.create("bflay_new", TestDb.Server.NEW, "");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        old.exec("CREATE TABLE orders (id bigint PRIMARY KEY, note text);"
                + "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 3000) g");
        neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, note text)");
        Path plan = dir.resolve("bflay-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "orders"},
                 "target": {"schema": "public", "table": "orders"}, "key": ["id"],
                 "columns": [{"target": "id", "expr": "id"}, {"target": "note", "expr": "note"}], "dropped": []}]}
                """.formatted(migration));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            List<String> all = r.sync().keys("cutover:{" + migration + "}:*");
            if (!all.isEmpty()) {
                r.sync().del(all.toArray(String[]::new));
            }
        } catch (RuntimeException ignored) {
            // best effort: the migration's name is unique
        }
        old.close();
        neu.close();
    }

    @Test
    void startingAndEndingARunMovesNoControl(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            console.window().show("backfill");
        });
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == 1024 && scene.getHeight() == 700);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> console.backfill().summary().get().startsWith("No backfill run"));
        settle();
        ScrollPane scroll = (ScrollPane) robot.lookup(".screen-scroll").query();
        robot.interact(() -> scroll.setVvalue(scroll.getVmax())); // down to the chart
        settle();
        Map<String, Bounds> before = where(robot);

        robot.interact(() -> console.backfill().cap().set(1000));
        robot.interact(() -> console.backfill().start());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> console.tasks().busy().get() && console.backfill().tables().get(0).rowsDone() > 0);
        settle();
        Map<String, Bounds> running = where(robot);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.backfill().message().get().contains("complete") && !console.tasks().busy().get());
        settle();
        Map<String, Bounds> after = where(robot);

        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        soft.assertThat(running).as("while the run goes").isEqualTo(before);
        soft.assertThat(after).as("after the run").isEqualTo(before);
        soft.assertAll();
    }

    private Map<String, Bounds> where(FxRobot robot) {
        Map<String, Bounds> out = new LinkedHashMap<>();
        for (String id : List.of("#backfill-start", "#backfill-pause", "#backfill-stop", "#backfill-threads", "#backfill-restart",
                "#backfill-tables", "#backfill-chart", "#backfill-workers")) {
            Node n = robot.lookup(id).query();
            Bounds b = n.localToScene(n.getLayoutBounds());
            out.put(id, new javafx.geometry.BoundingBox(Math.round(b.getMinX()), Math.round(b.getMinY()), 0, 0));
        }
        return out;
    }

    private void settle() throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !stage.getScene().getRoot().isNeedsLayout();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }
}
