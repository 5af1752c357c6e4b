package dev.cutover.ui.shadow;

import dev.cutover.ui.TestConsole;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import javafx.geometry.Orientation;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Shadow reads screen in the whole console at 1024×700: the mismatch samples fit their pane, no sideways scrolling. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShadowSamplesFitTest {
    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("shadow-fit");
    private final ControlKeys keys = new ControlKeys(migration);
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            link.sync().lpush(keys.mismatchSamples(),
                    "{\"at\":1764115200000,\"query\":\"orders_by_customer_and_status\",\"params_hash\":\"ab12\",\"mode\":\"old_new\","
                            + "\"served\":\"old\",\"old_ms\":12.5,\"new_ms\":102.25,\"old_rows\":[{\"id\":5,\"note\":\"a\"}],"
                            + "\"new_rows\":[{\"id\":5,\"note\":\"b\"}],\"old_row_count\":1,\"new_row_count\":1}");
        }
        Path plan = dir.resolve("fit-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "t"},
                 "target": {"schema": "public", "table": "t"}, "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}
                """.formatted(migration));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
            l.sync().del(keys.mismatchSamples());
        }
    }

    @Test
    void theSamplesTableDoesNotScrollSidewaysAt1024x700(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            console.window().show("shadow-reads");
        });
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == 1024 && scene.getHeight() == 700);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> console.shadow().samples().size() == 1);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !scene.getRoot().isNeedsLayout();
        });
        TableView<?> table = robot.lookup("#shadow-samples").queryTableView();
        assertThat(robot.from(table).lookup(".scroll-bar").queryAllAs(ScrollBar.class))
                .filteredOn(b -> b.getOrientation() == Orientation.HORIZONTAL && b.isVisible())
                .as("a horizontal scroll bar shown under the samples (table %s px wide, columns %s)", table.getWidth(),
                        table.getColumns().stream().map(c -> c.getText() + " " + c.getWidth()).toList())
                .isEmpty();
        double columns = table.getColumns().stream().mapToDouble(javafx.scene.control.TableColumn::getWidth).sum();
        assertThat(columns).as("the columns' width in a table %s px wide", table.getWidth()).isLessThanOrEqualTo(table.getWidth());
        // the time of the sample is read whole
        assertThat(robot.from(table).lookup(".table-cell").queryAllAs(javafx.scene.control.TableCell.class))
                .anyMatch(c -> "2025-11-26 00:00:00".equals(c.getText()) || (c.getText() != null && c.getText().startsWith("2025-11-26")));
        assertThat(dev.cutover.ui.Elided.under(table)).filteredOn(s -> s.contains("2025-11-26")).isEmpty();

        // what the table leaves out is said above the rows side by side
        robot.interact(() -> table.getSelectionModel().select(0));
        assertThat(robot.lookup("#shadow-sample-line").queryLabeled().getText())
                .isEqualTo("orders_by_customer_and_status · mode old_new · served by old · old 12.5 ms, 1 row · new 102.25 ms, 1 row");
    }
}
