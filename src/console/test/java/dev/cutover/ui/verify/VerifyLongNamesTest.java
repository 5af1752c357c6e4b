package dev.cutover.ui.verify;

import dev.cutover.ui.TestConsole;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import dev.cutover.ui.Elided;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableView;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Verify screen in the whole console at 1024×700 with a table whose name is long (48 characters
 * with its schema): a DBA reads the whole name in the per-table results and in the differences list,
 * not "public.customer_subscrip…" with the rest only in a tooltip, and neither list scrolls sideways.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifyLongNamesTest {
    static final String LONG = "customer_subscription_billing_adjustments";

    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("vlong");
    private final TestDb old = TestDb.create("vlong_old");
    private final TestDb neu = TestDb.create("vlong_new", TestDb.Server.NEW, "");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        String ddl = "CREATE TABLE " + LONG + " (id bigint PRIMARY KEY, note text);";
        old.exec(ddl + "INSERT INTO " + LONG + " SELECT g, 'note ' || g FROM generate_series(1, 50) g");
        neu.exec(ddl + "INSERT INTO " + LONG + " SELECT g, 'note ' || g FROM generate_series(1, 50) g;"
                + "UPDATE " + LONG + " SET note = 'changed' WHERE id = 7");
        Path plan = dir.resolve("vlong-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{
                  "source": {"schema": "public", "table": "%s"}, "target": {"schema": "public", "table": "%s"},
                  "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "note", "expr": "note"}],
                  "dropped": []}]}
                """.formatted(migration, LONG, LONG));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (var c = io.lettuce.core.RedisClient.create(TestRedis.sharedUrl()).connect()) {
            var k = new dev.cutover.control.ControlKeys(migration);
            c.sync().del(k.verify(), k.verifyRun());
        } catch (RuntimeException ignored) {
            // best effort: the migration's name is unique
        }
        old.close();
        neu.close();
    }

    @Test
    void aLongTableNameIsReadWholeAt1024x700(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            console.window().show("verify");
        });
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == 1024 && scene.getHeight() == 700);
        robot.interact(() -> console.verify().verify());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.verify().report().get() != null);
        assertThat(console.verify().error().get()).isNull();
        assertThat(console.verify().differences()).hasSize(1);
        TableView<?> diffs = robot.lookup("#verify-differences").queryTableView();
        robot.interact(() -> diffs.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !scene.getRoot().isNeedsLayout();
        });

        List<String> cut = new ArrayList<>();
        for (String id : List.of("#verify-tables", "#verify-differences")) {
            Node t = robot.lookup(id).query();
            assertThat(robot.from(t).lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class))
                    .as("%s lists the table (on lines broken after a \".\" or \"_\")", id).anyMatch(c -> c.getText() != null && ("public." + LONG).equals(c.getText().replace("\n", "")));
            Elided.under(t).forEach(s -> cut.add(id + ": " + s));
            robot.from(t).lookup(".scroll-bar").queryAllAs(ScrollBar.class).stream()
                    .filter(b -> b.getOrientation() == Orientation.HORIZONTAL && b.isVisible())
                    .forEach(b -> cut.add(id + " scrolls sideways"));
        }
        assertThat(cut).as("the table's name shown whole at 1024x700").isEmpty();
    }
}
