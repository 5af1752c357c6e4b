package dev.cutover.ui.shadow;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.MetricsWriter;
import dev.cutover.control.RedisLink;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.route.MismatchSamples;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.jfree.data.time.Second;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
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
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Shadow reads screen over metric buckets written by the control package's MetricsWriter into the real Redis. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class ShadowViewTest {
    @TempDir
    Path dir;

    private final String migration = TestRedis.uniqueMigration("shadow-ui");
    private final ControlKeys keys = new ControlKeys(migration);
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final long second = System.currentTimeMillis() / 1000 - 20;
    private ShadowViewModel vm;
    private ShadowView view;

    @Start
    void start(Stage stage) {
        Plan plan = PlanFile.parse("""
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "t"},
                 "target": {"schema": "public", "table": "t"}, "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}"""
                .formatted(migration), "plan.json");
        Session session = new Session();
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new ShadowViewModel(session, tasks, new SimpleObjectProperty<>(plan));
        view = new ShadowView(vm);
        Scene scene = new Scene(view, 1200, 800);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
            for (long s = second - 1; s < second + 3; s++) {
                l.sync().del(keys.metricsBucket(s));
            }
            l.sync().del(keys.mismatchSamples(), keys.phase());
        }
    }

    @Test
    void emptyChartsSayWhyByThePhase(FxRobot robot) throws Exception {
        robot.interact(vm::start);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> vm.message().get()).startsWith("No shadow reads"));
        assertThat(onFx(() -> vm.message().get())).isEqualTo("No shadow reads in the last 5 minutes: the routers compare reads "
                + "from shadow_read on (the phase is not set yet).");
        // in shadow_read the routers should be comparing: the line says so and what to check, not that shadow reads run in shadow_read
        try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
            l.sync().set(keys.phase(), "shadow_read");
        }
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> vm.message().get()).contains("although the phase is shadow_read"));
        assertThat(robot.lookup("#shadow-message").queryLabeled().getText()).isEqualTo("No router has written metrics for " + migration
                + " in the last 5 minutes, although the phase is shadow_read: is a router running for " + migration
                + " on this Redis, with a shadow sample rate above 0 (Traffic & phase)?");
    }

    @Test
    void chartsShowTheBucketsTheRoutersWrote(FxRobot robot) throws Exception {
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl());
             MetricsWriter w = new MetricsWriter(link, keys, Duration.ofMinutes(10), () -> second * 1000 + 500, false)) {
            for (int i = 0; i < 200; i++) {
                w.compared("orders_by_id", i < 4);            // 4 of 200: 2 %
            }
            for (int i = 0; i < 50; i++) {
                w.compared("customer_orders", i == 0);       // 1 of 50: 2 %
            }
            w.shadowError();
            for (int i = 0; i < 100; i++) {
                w.read(false, 3_000, false);                 // old: 3 ms
                w.read(true, i < 98 ? 4_000 : 40_000, false); // new: p99 in the 50 ms bucket
            }
            w.mirrorWrite(true);
            w.mirrorWrite(false);
            w.queueDepth(7);
            assertThat(w.flush()).isTrue();
        }
        robot.interact(vm::start);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> series(vm.mismatchRate(), "orders_by_id") != null
                && series(vm.mismatchRate(), "orders_by_id").getItemCount() > 0));

        Second at = new Second(new Date(second * 1000));
        assertThat(value(vm.mismatchRate(), "all queries", at)).isEqualTo(2.0);
        assertThat(value(vm.mismatchRate(), "orders_by_id", at)).isEqualTo(2.0);
        assertThat(value(vm.mismatchRate(), "customer_orders", at)).isEqualTo(2.0);
        assertThat(value(vm.errorRate(), "shadow errors (of shadow reads)", at)).isCloseTo(100.0 / 251, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(value(vm.latency(), "old mean", at)).isEqualTo(3.0);
        assertThat(value(vm.latency(), "new p99", at)).isEqualTo(50.0);
        assertThat(value(vm.mirror(), "mirror-write failures/s", at)).isEqualTo(1.0);
        assertThat(value(vm.mirror(), "failed-write queue depth", at)).isEqualTo(7.0);
        assertThat(vm.totals().get()).startsWith("Last minute: 250 compared · 5 mismatches (2.000 %) · 1 shadow error · 2 mirror writes, 1 failed · queue depth 7");
        // every chart spans the whole window read, ending at the poll, whatever its data covers
        // (the end and the axes read in one go on the FX thread: a poll in between moves them all)
        String[] ids = {"#shadow-mismatch-chart", "#shadow-error-chart", "#shadow-latency-chart", "#shadow-mirror-chart"};
        List<String> seen = onFx(() -> {
            List<String> out = new java.util.ArrayList<>();
            out.add("end " + vm.windowEnd().get());
            for (String id : ids) {
                var axis = robot.lookup(id).queryAs(org.jfree.chart.fx.ChartViewer.class).getChart().getXYPlot().getDomainAxis();
                out.add(id + " " + (long) axis.getUpperBound() + " " + (long) axis.getRange().getLength());
            }
            return out;
        });
        long end = Long.parseLong(seen.get(0).substring(4));
        assertThat(end).isBetween(second * 1000, System.currentTimeMillis());
        for (int i = 0; i < ids.length; i++) {
            assertThat(seen.get(i + 1)).isEqualTo(ids[i] + " " + end + " " + ShadowViewModel.WINDOW_SECONDS * 1000L);
        }
    }

    @Test
    void aRedrawDrawsTheLegendInTheFontItWasMeasuredWith(FxRobot robot) {
        // JFreeChart-FX restores the canvas' font after every redraw while its FXGraphics2D skips setting a font equal to
        // the last one it set: the legend (drawn first) must differ from the axes (drawn last) and from its initial font
        var chart = robot.lookup("#shadow-error-chart").queryAs(org.jfree.chart.fx.ChartViewer.class).getChart();
        java.awt.Font legend = chart.getLegend().getItemFont();
        var plot = chart.getXYPlot();
        assertThat(legend).isNotEqualTo(plot.getDomainAxis().getTickLabelFont()).isNotEqualTo(plot.getRangeAxis().getTickLabelFont())
                .isNotEqualTo(plot.getRangeAxis().getLabelFont()).isNotEqualTo(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12));
    }

    @Test
    void samplesAreListedSideBySideAndExportedWithRoutesCsvWriter(FxRobot robot) throws Exception {
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            link.sync().lpush(keys.mismatchSamples(),
                    "{\"at\":1764115200000,\"query\":\"orders_by_id\",\"params_hash\":\"ab12\",\"mode\":\"old_new\",\"served\":\"old\","
                            + "\"old_ms\":1.5,\"new_ms\":2.25,\"old_rows\":[{\"id\":5,\"note\":\"a, \\\"b\\\"\"}],"
                            + "\"new_rows\":[{\"id\":5,\"note\":\"a\"}],\"old_row_count\":1,\"new_row_count\":1}");
        }
        robot.interact(vm::start);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> vm.samples().size() == 1));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("orders_by_id");
        assertThat(robot.lookup("#shadow-old-rows").queryAs(TextArea.class).getText()).contains("\"note\" : \"a, \\\"b\\\"\"");
        assertThat(robot.lookup("#shadow-new-rows").queryAs(TextArea.class).getText()).contains("\"note\" : \"a\"");

        Path csv = dir.resolve("samples.csv");
        robot.interact(() -> view.chooser(w -> csv));
        robot.clickOn("#shadow-export");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.exportStatus().get().startsWith("Exported"));
        assertThat(vm.exportStatus().get()).isEqualTo("Exported 1 mismatch sample to " + csv + " (owner-only, mode 0600)");
        WaitForAsyncUtils.sleep(1500, TimeUnit.MILLISECONDS); // a poll or two later the outcome is still shown
        assertThat(robot.lookup("#shadow-export-status").queryLabeled().getText())
                .isEqualTo("Exported 1 mismatch sample to " + csv + " (owner-only, mode 0600)");
        assertThat(Files.getPosixFilePermissions(csv)).isEqualTo(dev.cutover.io.PrivateFiles.OWNER_FILE);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo(MismatchSamples.CSV_HEADER);
        assertThat(lines.get(1)).isEqualTo("2025-11-26T00:00:00Z,orders_by_id,ab12,old_new,old,1.5,2.25,"
                + "\"[{\"\"id\"\":5,\"\"note\"\":\"\"a, \\\"\"b\\\"\"\"\"}]\",\"[{\"\"id\"\":5,\"\"note\"\":\"\"a\"\"}]\"");
    }

    @Test
    void theSelectedSampleStaysSelectedAndShownWhenTheListRefreshes(FxRobot robot) throws Exception {
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            link.sync().lpush(keys.mismatchSamples(), sample(1764115200000L, "orders_by_id", "first"),
                    sample(1764115260000L, "customer_orders", "second"));
        }
        robot.interact(vm::start);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> vm.samples().size() == 2));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("orders_by_id"); // the older one, second in the list
        TableView<?> table = robot.lookup("#shadow-samples").queryAs(TableView.class);
        assertThat(robot.lookup("#shadow-old-rows").queryAs(TextArea.class).getText()).contains("first");

        // a router stores a newer sample: the list grows at the top, the selection stays on the same sample
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            link.sync().lpush(keys.mismatchSamples(), sample(1764115320000L, "orders_by_customer", "third"));
        }
        robot.interact(vm::refreshSamples);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> onFx(() -> vm.samples().size() == 3));
        WaitForAsyncUtils.waitForFxEvents();
        ShadowViewModel.Sample selected = onFx(() -> (ShadowViewModel.Sample) table.getSelectionModel().getSelectedItem());
        assertThat(selected).isNotNull();
        assertThat(selected.query()).isEqualTo("orders_by_id");
        assertThat(onFx(() -> table.getSelectionModel().getSelectedIndex())).isEqualTo(2);
        assertThat(robot.lookup("#shadow-old-rows").queryAs(TextArea.class).getText()).contains("first");

        // the same list again (a poll with nothing new): still selected and shown
        robot.interact(vm::refreshSamples);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> table.getSelectionModel().getSelectedIndex())).isEqualTo(2);
        assertThat(robot.lookup("#shadow-new-rows").queryAs(TextArea.class).getText()).contains("first");
    }

    private static String sample(long at, String query, String note) {
        return "{\"at\":" + at + ",\"query\":\"" + query + "\",\"params_hash\":\"ab12\",\"mode\":\"old_new\",\"served\":\"old\","
                + "\"old_ms\":1.5,\"new_ms\":2.25,\"old_rows\":[{\"id\":5,\"note\":\"" + note + "\"}],"
                + "\"new_rows\":[{\"id\":5,\"note\":\"" + note + " new\"}],\"old_row_count\":1,\"new_row_count\":1}";
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
    }

    private static TimeSeries series(TimeSeriesCollection c, String name) {
        return c.getSeries(name);
    }

    private static double value(TimeSeriesCollection c, String name, Second at) {
        TimeSeries s = c.getSeries(name);
        assertThat(s).as(name).isNotNull();
        assertThat(s.getValue(at)).as(name + " at " + at).isNotNull();
        return s.getValue(at).doubleValue();
    }
}
