package dev.cutover.ui.backfill;

import dev.cutover.ui.TestConsole;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import dev.cutover.ui.Elided;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.layout.Region;
import javafx.stage.Stage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.time.FixedMillisecond;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfill in the whole console at 1024x700 after a run that fails at once (the plan's typo): the
 * error is said once, the tables keep four rows (the screen scrolls instead), the summary is whole,
 * and the chart says the run was shorter than its first sample; one sample is a point on an axis
 * whose labels are a second apart at least.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackfillFailedRunTest {
    @TempDir
    static Path dir;

    private final TestDb old = TestDb.create("bffail_old");
    private final TestDb neu = TestDb.create("bffail_new");
    private final String migration = TestRedis.uniqueMigration("bf-fail");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        old.exec("CREATE TABLE orders (id bigint PRIMARY KEY, metadata jsonb, total_amount numeric(12,2));"
                + "INSERT INTO orders SELECT g, '{}', g * 1.25 FROM generate_series(1, 50) g");
        neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, total_cents bigint)");
        Path plan = dir.resolve("fail-" + System.nanoTime() + ".json");
        Files.writeString(plan, BackfillViewTest.PLAN.formatted(migration).replace("total_amount", "total_amont"));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
            l.sync().keys("cutover:{" + migration + "}:*").forEach(key -> l.sync().del(key));
        } catch (RuntimeException ignored) {
            // best effort: the migration's name is unique
        }
        old.close();
        neu.close();
    }

    @Test
    void afterAFailedRunTheErrorIsSaidOnceTheTablesKeepTheirRowsAndTheChartSaysWhy(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            console.window().show("backfill");
        });
        BackfillViewModel vm = console.backfill();
        robot.interact(vm::start);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !vm.running().get() && !vm.message().get().contains("running"));
        // the summary every worker publishes in Redis, with the run's error
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.summary().get().startsWith("Run in Redis (all workers): failed"));
        settle();

        List<String> saying = List.of("#backfill-message", "#backfill-error", "#backfill-summary").stream()
                .flatMap(id -> robot.lookup(id).queryAll().stream())
                .flatMap(n -> texts(n).stream())
                .filter(t -> t.contains("total_amont")).toList();
        assertThat(saying).as("the lines saying the run's error").hasSize(1);
        assertThat(Elided.under(robot.lookup("#backfill-summary").query())).isEmpty();

        Region tables = robot.lookup("#backfill-tables").queryAs(Region.class);
        assertThat(tables.getHeight()).as("the tables' table").isGreaterThanOrEqualTo(26 + 4 * 24);
        if (!vm.errors().isEmpty()) {
            Region errors = robot.lookup("#backfill-errors").queryAs(Region.class);
            assertThat(errors.getHeight()).as("the errors' table").isGreaterThanOrEqualTo(26 + 4 * 24);
        }

        ChartViewer viewer = robot.lookup("#backfill-chart").queryAs(ChartViewer.class);
        JFreeChart chart = viewer.getChart();
        var renderer = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
        // a run shorter than its first sample says so; one with a single sample shows it as a point
        assertThat(vm.throughput().getItemCount()).as("samples of a run that failed at once").isLessThanOrEqualTo(1);
        if (vm.throughput().isEmpty()) {
            assertThat(chart.getXYPlot().getNoDataMessage()).matches("Run finished in \\d+\\.\\d s: no throughput samples");
        } else {
            assertThat(renderer.getItemShapeVisible(0, 0)).as("the one sample drawn as a point").isTrue();
        }
        // one sample: a point, on a time axis of distinct labels
        long at = System.currentTimeMillis();
        robot.interact(() -> {
            vm.throughput().clear();
            vm.throughput().add(new FixedMillisecond(at), 420);
        });
        WaitForAsyncUtils.waitForFxEvents();
        chart.createBufferedImage(600, 240); // the axis picks its tick unit when drawn
        DateAxis time = (DateAxis) chart.getXYPlot().getDomainAxis();
        assertThat(time.getTickUnit().getSize()).as("ms between time ticks").isGreaterThanOrEqualTo(1000);
        assertThat(time.getRange().getLength()).as("ms shown around one sample").isGreaterThanOrEqualTo(2000);
        assertThat(renderer.getItemShapeVisible(0, 0)).as("the one sample drawn as a point").isTrue();
    }

    private static List<String> texts(Node n) {
        List<String> out = new java.util.ArrayList<>();
        if (!n.isVisible()) {
            return out;
        }
        if (n instanceof Labeled l && l.getText() != null) {
            out.add(l.getText());
        }
        if (n instanceof javafx.scene.Parent p) {
            p.getChildrenUnmodifiable().forEach(c -> out.addAll(texts(c)));
        }
        return out;
    }

    private void settle() throws Exception {
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !scene.getRoot().isNeedsLayout();
        });
    }
}
