package dev.cutover.ui.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import dev.cutover.work.TableProgress;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Slider;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Backfill screen driving the real engine on a small table between two real databases, with Redis. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class BackfillViewTest {
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "orders"},
              "target": {"schema": "public", "table": "orders"},
              "key": ["id"],
              "columns": [
                {"target": "id", "expr": "id"},
                {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"}
              ],
              "dropped": []
            }]}""";

    private final TestDb old = TestDb.create("bfv_old");
    private final TestDb neu = TestDb.create("bfv_new");
    private final String migration = TestRedis.uniqueMigration("bfv");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private BackfillViewModel vm;

    @Start
    void start(Stage stage) {
        old.exec("CREATE TABLE orders (id bigint PRIMARY KEY, metadata jsonb, total_amount numeric(12,2));"
                + "INSERT INTO orders SELECT g, jsonb_build_object('shipping_method', 'ground'), g * 1.25 FROM generate_series(1, 3000) g");
        neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, total_cents bigint)");
        Plan plan = PlanFile.parse(PLAN.formatted(migration), "plan.json");
        Session session = new Session();
        session.oldDb().set(new Db("old database", old.url()));
        session.newDb().set(new Db("new database", neu.url()));
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new BackfillViewModel(session, tasks, new SimpleObjectProperty<>(plan));
        Scene scene = new Scene(new BackfillView(vm), 1200, 760);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
        vm.startPolling();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        old.close();
        neu.close();
    }

    @Test
    void startCopiesEveryRowAndProgressReaches100Percent(FxRobot robot) throws Exception {
        robot.clickOn("#backfill-start");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().contains("complete"));

        assertThat(vm.message().get()).isEqualTo("Backfill of " + migration + " complete: 3,000 rows copied.");
        TableProgress t = vm.tables().get(0);
        assertThat(t.table()).isEqualTo("public.orders");
        assertThat(t.state()).isEqualTo(dev.cutover.work.TableState.COMPLETE);
        assertThat(t.fraction()).isEqualTo(1.0);
        assertThat(count(neu, "SELECT count(*) FROM orders")).isEqualTo(3000);
        assertThat(count(neu, "SELECT total_cents FROM orders WHERE id = 7")).isEqualTo(875);
        assertThat(vm.errors()).isEmpty();
        assertThat(vm.throughput().getItemCount()).isPositive();
        // the progress column shows 100 %
        TableView<?> table = robot.lookup("#backfill-tables").queryAs(TableView.class);
        assertThat(robot.from(table).lookup("100 %").tryQuery()).isPresent();
        // the summary every worker publishes in Redis
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.summary().get().contains("complete"));
        assertThat(vm.summary().get()).startsWith("Run in Redis (all workers): complete · 3,000 rows ·");
    }

    @Test
    void pauseIsDisabledBeforeARun(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.running().get()).isFalse();
        assertThat(robot.lookup("#backfill-pause").queryAs(Button.class).isDisabled()).isTrue();
    }

    @Test
    void pauseHoldsTheRunShowsItPausedAndResumeFinishesIt(FxRobot robot) throws Exception {
        robot.interact(() -> vm.cap().set(400));
        robot.clickOn("#backfill-start");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> count(neu, "SELECT count(*) FROM orders") > 0);
        robot.clickOn("#backfill-pause");
        assertThat(robot.lookup("#backfill-pause").queryAs(Button.class).getText()).isEqualTo("Resume");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> throttleHash().getOrDefault(ControlKeys.WorkThrottle.PAUSED, "").equals("true"));
        // paused shows as paused: the table's state, and the summary every worker reads in Redis
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.tables().get(0).state() == dev.cutover.work.TableState.PAUSED);
        assertThat(robot.lookup("#backfill-pause").queryAs(Button.class).getText()).as("the button still offers Resume").isEqualTo("Resume");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "paused".equals(summaryHash().get(ControlKeys.Backfill.STATE)));
        assertThat(summaryHash().get(ControlKeys.Backfill.TABLES)).contains("\"state\":\"paused\"");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.summary().get().startsWith("Run in Redis (all workers): paused"));
        // the chunk in hand finishes, then nothing moves while paused
        long[] last = {-1};
        await().pollInterval(500, TimeUnit.MILLISECONDS).atMost(15, TimeUnit.SECONDS).until(() -> {
            long n = count(neu, "SELECT count(*) FROM orders");
            boolean still = n == last[0];
            last[0] = n;
            return still;
        });
        long held = last[0];
        await().during(2, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> count(neu, "SELECT count(*) FROM orders") == held);
        assertThat(held).isLessThan(3000);
        assertThat(vm.running().get()).isTrue();
        // this console is listed as a worker while it runs
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.workers().stream().anyMatch(dev.cutover.ui.LeaseHolders.Worker::local));

        robot.interact(() -> vm.cap().set(0));
        assertThat(throttleHashAfterWrite()).containsEntry(ControlKeys.WorkThrottle.MAX_ROWS_PER_SEC, "0");
        robot.clickOn("#backfill-pause");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().contains("complete"));
        assertThat(count(neu, "SELECT count(*) FROM orders")).isEqualTo(3000);
        assertThat(throttleHash()).containsEntry(ControlKeys.WorkThrottle.PAUSED, "false");
    }

    @Test
    void aPauseSetElsewhereThroughTheThrottleHashShowsHere(FxRobot robot) throws Exception {
        robot.interact(() -> vm.cap().set(400));
        robot.clickOn("#backfill-start");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> count(neu, "SELECT count(*) FROM orders") > 0);
        assertThat(robot.lookup("#backfill-pause").queryAs(Button.class).getText()).isEqualTo("Pause");
        // another console (or a script) pauses the run through Redis
        setThrottle(ControlKeys.WorkThrottle.PAUSED, "true");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.tables().get(0).state() == dev.cutover.work.TableState.PAUSED);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> "Resume".equals(robot.lookup("#backfill-pause").queryAs(Button.class).getText()));
        // and resumes it: this console's button follows back, the run completes
        setThrottle(ControlKeys.WorkThrottle.MAX_ROWS_PER_SEC, "0");
        setThrottle(ControlKeys.WorkThrottle.PAUSED, "false");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> "Pause".equals(robot.lookup("#backfill-pause").queryAs(Button.class).getText()) || !vm.running().get());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().contains("complete"));
        assertThat(count(neu, "SELECT count(*) FROM orders")).isEqualTo(3000);
    }

    private void setThrottle(String field, String value) {
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().hset(new ControlKeys(migration).workThrottle("backfill"), field, value);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theEtaIsShownWhole(FxRobot robot) {
        robot.interact(() -> vm.tables().setAll(new TableProgress("public.orders", dev.cutover.work.TableState.RUNNING, 16_400, 20_000, 5.0,
                java.time.Duration.ofSeconds(12 * 60 + 5), null)));
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> table = robot.lookup("#backfill-tables").queryAs(TableView.class);
        assertThat(robot.from(table).lookup("12 min 5 s").tryQuery()).as("the ETA cell").isPresent();
        assertThat(dev.cutover.ui.Elided.under(table)).isEmpty();
    }

    @Test
    void theCapSliderReachesBoth200And200000RowsPerSecond(FxRobot robot) {
        Slider slider = robot.lookup("#backfill-cap").queryAs(Slider.class);
        for (long wanted : new long[] {200, 200_000}) {
            robot.interact(() -> slider.setValue(dev.cutover.ui.CapSlider.toPosition(wanted)));
            assertThat(vm.cap().get()).isEqualTo(wanted);
            assertThat(robot.lookup("#backfill-cap-label").queryAs(javafx.scene.control.Label.class).getText())
                    .isEqualTo(String.format("%,d rows/s", wanted));
            // a pixel either side is still a cap near it, not the far right's "no cap"
            double perPixel = (slider.getMax() - slider.getMin()) / slider.getWidth();
            long next = dev.cutover.ui.CapSlider.toCap(slider.getValue() + perPixel);
            assertThat(next).isPositive().isBetween(wanted, wanted * 11 / 10);
        }
    }

    private Map<String, String> throttleHashAfterWrite() throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "0".equals(throttleHash().get(ControlKeys.WorkThrottle.MAX_ROWS_PER_SEC)));
        return throttleHash();
    }

    private Map<String, String> summaryHash() {
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().hgetall(new ControlKeys(migration).backfill());
        } finally {
            client.shutdown();
        }
    }

    private Map<String, String> throttleHash() {
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().hgetall(new ControlKeys(migration).workThrottle("backfill"));
        } finally {
            client.shutdown();
        }
    }

    static long count(TestDb db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
