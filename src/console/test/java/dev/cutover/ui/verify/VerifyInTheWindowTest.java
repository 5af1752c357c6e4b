package dev.cutover.ui.verify;

import dev.cutover.control.ControlKeys;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import dev.cutover.ui.Elided;
import dev.cutover.ui.TestConsole;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Verify screen in the whole console, in dual_write, on a table with a composite key of long
 * column names and differences of each kind (one in three columns): what a DBA met walking the
 * sample at 1024×700 — the repair dialogs' default, the focus after a run, cut keys and kinds, and
 * what comes next before shadow_read.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifyInTheWindowTest {
    static final String TABLE = "invoice_lines";

    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("vwin");
    private final ControlKeys keys = new ControlKeys(migration);
    private final TestDb old = TestDb.create("vwin_old");
    private final TestDb neu = TestDb.create("vwin_new", TestDb.Server.NEW, "");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        String ddl = "CREATE TABLE " + TABLE + " (customer_account_id bigint, invoice_line_number int, shipping_method_code text, "
                + "total_amount_cents bigint, fulfilment_warehouse text, PRIMARY KEY (customer_account_id, invoice_line_number));";
        String rows = "INSERT INTO " + TABLE + " SELECT 1000000 + g, g % 7, 'ground', g * 100, 'north' FROM generate_series(1, 60) g;";
        old.exec(ddl + rows);
        neu.exec(ddl + rows + "DELETE FROM " + TABLE + " WHERE customer_account_id = 1000007;"
                + "INSERT INTO " + TABLE + " VALUES (9000001, 3, 'air', 1, 'south');"
                + "UPDATE " + TABLE + " SET shipping_method_code = 'air', total_amount_cents = 1, fulfilment_warehouse = 'south' "
                + "WHERE customer_account_id = 1000042");
        Path plan = dir.resolve("vwin-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{
                  "source": {"schema": "public", "table": "%s"}, "target": {"schema": "public", "table": "%s"},
                  "key": ["customer_account_id", "invoice_line_number"],
                  "columns": [{"target": "customer_account_id", "expr": "customer_account_id"},
                              {"target": "invoice_line_number", "expr": "invoice_line_number"},
                              {"target": "shipping_method_code", "expr": "shipping_method_code"},
                              {"target": "total_amount_cents", "expr": "total_amount_cents"},
                              {"target": "fulfilment_warehouse", "expr": "fulfilment_warehouse"}],
                  "dropped": []}]}
                """.formatted(migration, TABLE, TABLE));
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            r.sync().mset(Map.of(keys.phase(), "dual_write", keys.readPercent(), "0", keys.version(), "2",
                    keys.writeTarget(), "dual_write", keys.createdAt(), Long.toString(System.currentTimeMillis())));
        }
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
    void enterInARepairDialogCancelsNothingIsWritten(FxRobot robot) throws Exception {
        showVerify(robot, 1024, 700);
        verify(robot);
        assertThat(console.verify().differences()).hasSize(3);

        robot.clickOn("#verify-repair");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-confirm").tryQuery().isPresent());
        Button cancel = robot.lookup((Button b) -> "Cancel".equals(b.getText()) && b.getScene() != stage.getScene()).queryButton();
        assertThat(cancel.isDefaultButton()).as("Cancel is the dialog's default").isTrue();
        assertThat(robot.lookup((Button b) -> "Repair from the truth".equals(b.getText())).queryButton().isDefaultButton()).isFalse();
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-confirm").tryQuery().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.verify().running().get()).as("a repair started by Enter").isFalse();
        assertThat(console.verify().differences()).hasSize(3);
        assertThat(count("SELECT count(*) FROM " + TABLE + " WHERE shipping_method_code = 'air'")).isEqualTo(2);

        TableView<?> diffs = robot.lookup("#verify-differences").queryTableView();
        robot.interact(() -> diffs.getSelectionModel().select(0));
        robot.clickOn("#verify-repair-selected");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-selected-confirm").tryQuery().isPresent());
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-selected-confirm").tryQuery().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.verify().running().get()).isFalse();
        assertThat(console.verify().differences()).hasSize(3);
        assertThat(count("SELECT count(*) FROM " + TABLE + " WHERE shipping_method_code = 'air'")).isEqualTo(2);
    }

    @Test
    void theFocusStaysOnVerifyAndRepairAllAndTheScreenDoesNotScroll(FxRobot robot) throws Exception {
        showVerify(robot, 1024, 700);
        ScrollPane scroll = (ScrollPane) robot.lookup(".screen-scroll").query();
        Button run = robot.lookup("#verify-run").queryButton();
        double top = scroll.getVvalue();
        robot.clickOn(run);
        verify(robot);
        settle(robot);
        assertThat(stage.getScene().getFocusOwner()).as("the focus after Verify").isSameAs(run);
        assertThat(scroll.getVvalue()).as("the screen's scroll position after Verify").isEqualTo(top);

        Button repair = robot.lookup("#verify-repair").queryButton();
        robot.clickOn(repair);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-confirm").tryQuery().isPresent());
        robot.clickOn(robot.lookup((Button b) -> "Repair from the truth".equals(b.getText())).queryButton());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.verify().message().get().startsWith("Repaired"));
        settle(robot);
        Node owner = stage.getScene().getFocusOwner();
        // Repair all stays disabled with nothing left to repair: the screen holds the focus, no other control took it
        assertThat(owner).as("the focus after Repair all").isIn(repair, console.window().current().view());
        assertThat(scroll.getVvalue()).as("the screen's scroll position after Repair all").isEqualTo(top);
    }

    @Test
    void longKeysAndKindsAreReadWholeAt1024x700And960x600(FxRobot robot) throws Exception {
        showVerify(robot, 1024, 700);
        verify(robot);
        for (double[] size : new double[][] {{1024, 700}, {960, 600}}) {
            showVerify(robot, size[0], size[1]);
            settle(robot);
            TableView<?> diffs = robot.lookup("#verify-differences").queryTableView();
            List<String> cells = new ArrayList<>();
            List<String> cut = new ArrayList<>();
            for (int i = 0; i < diffs.getItems().size(); i++) {
                int at = i;
                robot.interact(() -> diffs.scrollTo(at)); // rows of three lines each: the list shows a few at a time
                settle(robot);
                robot.from(diffs).lookup(".table-cell").queryAllAs(TableCell.class).forEach(c -> {
                    if (c.getText() != null && c.isVisible()) {
                        cells.add(c.getText().replace("\n", ""));
                    }
                });
                cut.addAll(Elided.under(diffs));
            }
            String where = (int) size[0] + "x" + (int) size[1];
            assertThat(cells).as(where).contains("{\"customer_account_id\":1000042,\"invoice_line_number\":0}",
                    "different: shipping_method_code, total_amount_cents, fulfilment_warehouse", "missing_in_target", "extra_in_target");
            assertThat(cut).as("cut in the differences at " + where).isEmpty();
        }
    }

    @Test
    void beforeDualWriteTheScreenSaysWritesAreNotFollowedYetUnlessSyncRuns(FxRobot robot) throws Exception {
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            r.sync().mset(Map.of(keys.phase(), "backfill", keys.writeTarget(), "old_only", keys.version(), "3"));
            showVerify(robot, 1024, 700);
            Label next = robot.lookup("#verify-next").queryAs(Label.class);
            // the walk verified in planning and found 1,855 rows written after the backfill: the screen says why first
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> next.isVisible() && next.getText().startsWith("Writes are not followed yet"));
            assertThat(next.getText()).contains("Move to dual_write (Traffic & phase), then Verify and Repair all.");
            assertThat(Elided.under(next)).isEmpty();
            // change capture running follows the writes: nothing to say
            r.sync().hset(keys.sync(), Map.of("state", "running", "updated_at", Long.toString(System.currentTimeMillis())));
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !next.isVisible());
        }
    }

    @Test
    void inDualWriteWithoutACleanFreshVerificationTheScreenSaysVerifyComesNext(FxRobot robot) throws Exception {
        showVerify(robot, 1024, 700);
        Label next = robot.lookup("#verify-next").queryAs(Label.class);
        // none made yet
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> next.isVisible());
        assertThat(next.getText()).isEqualTo("Next: Verify, then Repair all if it finds differences; "
                + "Shadow reads needs a clean, fresh verification.");
        verify(robot);
        // differences found
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> next.isVisible());
        robot.interact(() -> console.verify().repairAll());
        // the report is set last, the signal that the run ended
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.verify().message().get().startsWith("Repaired")
                && console.verify().report().get() != null);
        assertThat(console.verify().report().get().clean()).isTrue();
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !next.isVisible());
        assertThat(Elided.under(next)).isEmpty();
    }

    private void showVerify(FxRobot robot, double w, double h) throws Exception {
        robot.interact(() -> {
            stage.setWidth(w);
            stage.setHeight(h);
            console.window().show("verify");
        });
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == w && scene.getHeight() == h);
        settle(robot);
    }

    private void verify(FxRobot robot) throws Exception {
        if (!console.verify().running().get()) {
            robot.interact(() -> console.verify().verify());
        }
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.verify().report().get() != null);
        assertThat(console.verify().error().get()).isNull();
    }

    private void settle(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !stage.getScene().getRoot().isNeedsLayout();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private long count(String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(neu.url()); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
