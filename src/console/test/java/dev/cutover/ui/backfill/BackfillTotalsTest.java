package dev.cutover.ui.backfill;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Backfill screen while a run goes, on the sample's two tables (a small one that completes
 * first, a bigger one still copying; the planner's row estimates a little off, as after ANALYZE on
 * a busy table): the run's figures in the line read from Redis and those of the tables agree.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackfillTotalsTest {
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [
             {"source": {"schema": "public", "table": "customers"}, "target": {"schema": "public", "table": "customers"},
              "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "name"}], "dropped": []},
             {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
              "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "note", "expr": "note"}], "dropped": []}]}""";

    private final TestDb old = TestDb.create("bftot_old");
    private final TestDb neu = TestDb.create("bftot_new");
    private final String migration = TestRedis.uniqueMigration("bftot");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private BackfillViewModel vm;

    @Start
    void start(Stage stage) {
        // the planner's estimates: 520 and 6,300 rows where 500 and 6,000 are (set by hand, as a stale ANALYZE leaves them)
        old.exec("CREATE TABLE customers (id bigint PRIMARY KEY, name text);"
                + "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 500) g;"
                + "CREATE TABLE orders (id bigint PRIMARY KEY, note text);"
                + "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 6000) g;"
                + "ANALYZE; UPDATE pg_class SET reltuples = 520 WHERE oid = 'customers'::regclass;"
                + "UPDATE pg_class SET reltuples = 6300 WHERE oid = 'orders'::regclass");
        neu.exec("CREATE TABLE customers (id bigint PRIMARY KEY, name text); CREATE TABLE orders (id bigint PRIMARY KEY, note text)");
        Plan plan = PlanFile.parse(PLAN.formatted(migration), "plan.json");
        Session session = new Session();
        session.oldDb().set(new Db("old database", old.url()));
        session.newDb().set(new Db("new database", neu.url()));
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new BackfillViewModel(session, tasks, new SimpleObjectProperty<>(plan));
        Scene scene = new Scene(new BackfillView(vm), 1024, 700);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
        vm.startPolling();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            ControlKeys k = new ControlKeys(migration);
            r.sync().del(k.backfill(), k.workThrottle("backfill"));
        } catch (RuntimeException ignored) {
            // best effort: the migration's name is unique
        }
        old.close();
        neu.close();
    }

    @Test
    void whileARunGoesTheRedisLineAndTheTablesShowTheSameFigures(FxRobot robot) throws Exception {
        robot.interact(() -> vm.cap().set(1500));
        robot.clickOn("#backfill-start");
        // customers complete, orders still copying, and the line from Redis says the run is running
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.tables().size() == 2
                && vm.tables().get(0).state() == dev.cutover.work.TableState.COMPLETE
                && vm.tables().get(1).rowsDone() > 0 && vm.summary().get().contains("running"));
        // as a DBA reads the screen a moment later (the line from Redis polled each second, the tables at each progress)
        long[] figures = new long[4];
        String[] seen = new String[2];
        await(() -> {
            robot.interact(() -> {
                robot.lookup("#backfill-tables").queryTableView().refresh();
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                TableView<?> t = robot.lookup("#backfill-tables").queryTableView();
                List<String> cells = new ArrayList<>();
                robot.from(t).lookup(".table-cell").queryAllAs(TableCell.class).forEach(c -> {
                    if (c.getTableColumn() != null && "Rows done".equals(c.getTableColumn().getText()) && c.getText() != null
                            && !c.getText().isEmpty()) {
                        cells.add(c.getText());
                    }
                });
                seen[0] = String.join(" | ", cells);
                seen[1] = robot.lookup("#backfill-summary").queryAs(Label.class).getText();
            });
            return vm.running().get();
        });
        System.err.println("TOTALS tables: " + seen[0] + "\nTOTALS summary: " + seen[1]);
        for (String c : seen[0].split(" \\| ")) {
            Matcher m = Pattern.compile("([\\d,]+)(?: of ~([\\d,]+))?").matcher(c);
            assertThat(m.matches()).as(c).isTrue();
            figures[0] += number(m.group(1));
            figures[1] += m.group(2) == null ? number(m.group(1)) : number(m.group(2));
        }
        assertThat(seen[0]).as("the tables' lines").contains(" of ~");
        // the run's line: the same rows copied, of the same total, marked as an estimate as the tables' lines are
        assertThat(seen[1]).as("the run's line beside the tables' %s", seen[0])
                .contains(" · " + String.format("%,d", figures[0]) + " of ~" + String.format("%,d", figures[1]) + " rows (estimate)");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().contains("complete"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.summary().get().contains("complete"));
        assertThat(vm.summary().get()).as("at the end, the exact rows copied").startsWith("Run in Redis (all workers): complete · 6,500 rows ·");
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    /** Runs {@code read} on this thread (it waits for FX events itself) and returns whether the run still went. */
    private static void await(java.util.concurrent.Callable<Boolean> read) throws Exception {
        assertThat(read.call()).as("the run still going when read").isTrue();
    }
}
