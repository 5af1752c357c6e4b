package dev.cutover.ui.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import dev.cutover.verify.Difference;
import dev.cutover.verify.DifferenceCsv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** The Verify screen running the real verify engine between two small real databases with one planted difference of each kind. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class VerifyViewTest {
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "orders"},
              "target": {"schema": "public", "table": "orders"},
              "key": ["id"],
              "columns": [
                {"target": "id", "expr": "id"},
                {"target": "name", "expr": "name"},
                {"target": "note", "expr": "note"}
              ],
              "dropped": []
            }]}""";

    private final TestDb old = TestDb.create("vfv_old");
    private final TestDb neu = TestDb.create("vfv_new");
    private final String migration = TestRedis.uniqueMigration("vfv");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private VerifyViewModel vm;
    private Scene scene;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        String ddl = "CREATE TABLE orders (id bigint PRIMARY KEY, name text, note text);";
        old.exec(ddl + "INSERT INTO orders SELECT g, 'name ' || g, 'note, \"quoted\"' FROM generate_series(1, 200) g");
        neu.exec(ddl + "INSERT INTO orders SELECT g, 'name ' || g, 'note, \"quoted\"' FROM generate_series(1, 200) g;"
                + "DELETE FROM orders WHERE id = 7;"                                   // missing_in_target
                + "INSERT INTO orders VALUES (500, 'stray', NULL);"                    // extra_in_target
                + "UPDATE orders SET name = 'changed' WHERE id = 42");                 // different (name)
        Plan plan = PlanFile.parse(PLAN.formatted(migration), "plan.json");
        Session session = new Session();
        session.oldDb().set(new Db("old database", old.url()));
        session.newDb().set(new Db("new database", neu.url()));
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new VerifyViewModel(session, tasks, new SimpleObjectProperty<>(plan));
        scene = new Scene(new VerifyView(vm), 1200, 760);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        old.close();
        neu.close();
    }

    @Test
    void listsEachKindShowsRowsSideBySideExportsAndRepairsToClean(FxRobot robot) throws Exception {
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);

        assertThat(vm.error().get()).isNull();
        assertThat(vm.verdict().get()).isEqualTo("3 differences in 201 rows compared");
        VerifyViewModel.TableRow t = vm.tables().get(0);
        assertThat(t.state()).isEqualTo("done");
        assertThat(List.of(t.missingInTarget(), t.extraInTarget(), t.different())).containsExactly(1L, 1L, 1L);
        assertThat(vm.differences()).extracting(d -> d.key().get("id").asLong() + " " + d.kind().wireName())
                .containsExactlyInAnyOrder("7 missing_in_target", "500 extra_in_target", "42 different");

        // select the changed row: its rows side by side, only the name highlighted
        TableView<Difference> diffs = robot.lookup("#verify-differences").queryTableView();
        int at = indexOf(diffs, Difference.Kind.DIFFERENT);
        robot.interact(() -> diffs.getSelectionModel().select(at));
        Node name = robot.lookup("#verify-row-name").query();
        Node note = robot.lookup("#verify-row-note").query();
        assertThat(name.getStyleClass()).contains("verify-differs");
        assertThat(note.getStyleClass()).doesNotContain("verify-differs");
        assertThat(robot.lookup(".verify-differs").queryAll()).extracting(n -> ((javafx.scene.control.Label) n).getText())
                .containsExactly("name", "name 42", "changed");

        // export with the verify package's CSV writer
        Path csv = dir.resolve("mismatches.csv");
        robot.interact(() -> vm.exportCsv(csv));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.message().get().startsWith("Exported"));
        assertThat(vm.message().get()).endsWith(" (owner-only, mode 0600).");
        assertThat(Files.getPosixFilePermissions(csv)).isEqualTo(dev.cutover.io.PrivateFiles.OWNER_FILE);
        List<String> lines = new ArrayList<>(List.of(Files.readString(csv, StandardCharsets.UTF_8).split("\r\n")));
        assertThat(lines.get(0)).isEqualTo(DifferenceCsv.HEADER);
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
                "orders,\"{\"\"id\"\":7}\",missing_in_target,,"
                        + "\"{\"\"id\"\":7,\"\"name\"\":\"\"name 7\"\",\"\"note\"\":\"\"note, \\\"\"quoted\\\"\"\"\"}\",",
                "orders,\"{\"\"id\"\":500}\",extra_in_target,,,"
                        + "\"{\"\"id\"\":500,\"\"name\"\":\"\"stray\"\",\"\"note\"\":null}\"",
                "orders,\"{\"\"id\"\":42}\",different,name,"
                        + "\"{\"\"id\"\":42,\"\"name\"\":\"\"name 42\"\",\"\"note\"\":\"\"note, \\\"\"quoted\\\"\"\"\"}\","
                        + "\"{\"\"id\"\":42,\"\"name\"\":\"\"changed\"\",\"\"note\"\":\"\"note, \\\"\"quoted\\\"\"\"\"}\"");

        // repair all from the truth (old, forward), then the re-run report is clean
        robot.clickOn("#verify-repair");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#repair-confirm .content").queryAs(javafx.scene.control.Label.class).getText())
                .startsWith("3 differing rows listed.").contains("from the old database");
        robot.clickOn(robot.lookup((javafx.scene.control.Button b) -> "Repair from the truth".equals(b.getText())).queryButton());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().startsWith("Repaired"));
        assertThat(vm.error().get()).isNull();
        assertThat(vm.message().get()).startsWith("Repaired 2 rows upserted, 1 deleted; verified again: verify of " + migration);
        assertThat(vm.verdict().get()).isEqualTo("clean: 200 rows identical");
        assertThat(vm.report().get().clean()).isTrue();
        assertThat(vm.differences()).isEmpty();
        assertThat(count("SELECT count(*) FROM orders WHERE id IN (7, 42) OR id = 500 OR name = 'changed'")).isEqualTo(2);

        // a sampled run says SAMPLE and is never clean
        robot.clickOn("#verify-sampled");
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null && vm.report().get().sampled());
        assertThat(vm.verdict().get()).startsWith("SAMPLE no difference in ");
        assertThat(vm.tables().get(0).state()).isEqualTo("SAMPLE done");
        assertThat(vm.report().get().clean()).isFalse();
    }

    @Test
    void theStaleMarkSaysWhyTheStoredVerificationNoLongerHolds(FxRobot robot) throws Exception {
        dev.cutover.control.ControlKeys keys = new dev.cutover.control.ControlKeys(migration);
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestRedis.sharedUrl());
        try (var redis = client.connect()) {
            robot.clickOn("#verify-run");
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);
            javafx.scene.control.Label stale = robot.lookup("#verify-stale").queryAs(javafx.scene.control.Label.class);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(stale.isVisible()).as("fresh after the run").isFalse();

            // repair one of the differences: rows changed after the verification
            Difference one = vm.differences().get(0);
            robot.interact(() -> vm.repairSelected(List.of(one)));
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !vm.stale().get().isEmpty());
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(stale.isVisible()).isTrue();
            assertThat(stale.getText()).startsWith("⚠ Stale: the stored verification no longer holds (a repair changed rows")
                    .endsWith("). Verify again before moving on.");

            // verified again: the mark goes; a failed write queued after it brings it back, saying so
            robot.clickOn("#verify-run");
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !vm.running().get() && vm.stale().get().isEmpty());
            redis.sync().xadd(keys.failedWrites(), java.util.Map.of("table", "orders", "key", "{\"id\":1}", "at", "0", "error", "x"));
            robot.interact(() -> vm.refreshStaleness(true));
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.stale().get().contains("a failed write was queued"));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(stale.getText()).contains("a failed write was queued");
            redis.sync().del(keys.failedWrites(), keys.verify());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void repairSelectedResyncsOnlyTheChosenRowsAndUpdatesTheList(FxRobot robot) throws Exception {
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);
        assertThat(vm.differences()).hasSize(3);
        javafx.scene.control.Button repairSelected = robot.lookup("#verify-repair-selected").queryButton();
        assertThat(repairSelected.isDisabled()).as("nothing selected yet").isTrue();

        // choose two of the three: the missing row and the changed one
        TableView<Difference> diffs = robot.lookup("#verify-differences").queryTableView();
        int missing = indexOf(diffs, Difference.Kind.MISSING_IN_TARGET);
        int changed = indexOf(diffs, Difference.Kind.DIFFERENT);
        robot.interact(() -> {
            diffs.getSelectionModel().clearSelection();
            diffs.getSelectionModel().select(missing);
            diffs.getSelectionModel().select(changed);
        });
        assertThat(diffs.getSelectionModel().getSelectedItems()).hasSize(2);
        robot.clickOn("#verify-repair-selected");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#repair-selected-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#repair-selected-confirm .content").queryAs(javafx.scene.control.Label.class).getText())
                .startsWith("2 selected rows").contains("from the old database");
        robot.clickOn(robot.lookup((javafx.scene.control.Button b) -> "Repair selected from the truth".equals(b.getText())).queryButton());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.message().get().startsWith("Repaired 2 selected rows"));

        assertThat(vm.error().get()).isNull();
        assertThat(vm.message().get()).contains("2 upserted, 0 deleted").contains("all identical when compared again");
        assertThat(vm.differences()).extracting(d -> d.key().get("id").asLong() + " " + d.kind().wireName())
                .containsExactly("500 extra_in_target");
        VerifyViewModel.TableRow t = vm.tables().get(0);
        assertThat(List.of(t.missingInTarget(), t.extraInTarget(), t.different())).containsExactly(0L, 1L, 0L);
        assertThat(count("SELECT count(*) FROM orders WHERE id = 7 OR (id = 42 AND name = 'name 42') OR id = 500")).isEqualTo(3);

        // a verify of the one table chosen on the screen finds what is left, and is not stored as the guard's verification
        javafx.scene.control.ChoiceBox<?> only = robot.lookup("#verify-table").queryAs(javafx.scene.control.ChoiceBox.class);
        assertThat(only.getConverter().toString(null)).isEqualTo("All tables");
        @SuppressWarnings("unchecked") javafx.util.StringConverter<String> named = (javafx.util.StringConverter<String>) only.getConverter();
        assertThat(named.toString("orders")).as("named schema.table, as on Backfill").isEqualTo("public.orders");
        robot.interact(() -> robot.lookup("#verify-table").queryAs(javafx.scene.control.ChoiceBox.class).setValue("orders"));
        assertThat(vm.table().get()).isEqualTo("orders");
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);
        assertThat(vm.verdict().get()).isEqualTo("1 differences in 201 rows compared");
        assertThat(vm.report().get().complete()).isFalse();
        assertThat(vm.message().get()).contains("Only public.orders compared");
    }

    @Test
    void pauseAndTheCapActOnTheRunningComparison(FxRobot robot) throws Exception {
        robot.interact(() -> vm.cap().set(10)); // the slider's lowest: 201 rows at 10 rows/s take 20 s unless the cap is raised
        assertThat(robot.lookup("#verify-cap-label").queryAs(javafx.scene.control.Label.class).getText()).isEqualTo("10 rows/s");
        assertThat(robot.lookup("#verify-pause").query().isDisabled()).as("nothing to pause before a run").isTrue();
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.tables().stream().anyMatch(t -> t.rowsCompared() > 0));
        robot.clickOn("#verify-pause");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "paused".equals(vm.throttleState().get()));
        assertThat(robot.lookup("#verify-throttle").queryAs(javafx.scene.control.Label.class).getText()).isEqualTo("paused");
        robot.clickOn("#verify-pause");
        assertThat(vm.paused().get()).isFalse();
        robot.interact(() -> vm.cap().set(0));
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.report().get() != null);
        assertThat(vm.error().get()).isNull();
        assertThat(vm.verdict().get()).isEqualTo("3 differences in 201 rows compared");
    }

    @Test
    void aMappingThatNoLongerFitsIsOneErrorLineOnTheScreen(FxRobot robot) throws Exception {
        neu.exec("ALTER TABLE orders DROP COLUMN note");
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.error().get() != null);
        dev.cutover.ui.ErrorLine line = robot.lookup("#verify-error").queryAs(dev.cutover.ui.ErrorLine.class);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(line.text()).doesNotContain("\n").contains("orders").contains("note");
        // the error is said once, on its line: the message above it does not repeat it
        assertThat(vm.message().get()).isEqualTo("Verify of " + migration + " failed; nothing was stored. The error is below.");
        assertThat(vm.report().get()).isNull();
        assertThat(vm.differences()).isEmpty();
        assertThat(vm.running().get()).isFalse();
    }

    @Test
    void tablesAreNamedWithTheirSchemaAndTheRowsPaneShowsEveryNameAndValueWhole(FxRobot robot) throws Exception {
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);
        assertThat(vm.tables()).extracting(VerifyViewModel.TableRow::table).containsExactly("public.orders");
        TableView<Difference> diffs = robot.lookup("#verify-differences").queryTableView();
        assertThat(robot.from(diffs).lookup("public.orders").tryQuery()).as("the Table column says public.orders").isPresent();

        // a narrow rows pane: names, headers and values keep their whole text and the pane scrolls sideways instead
        int at = indexOf(diffs, Difference.Kind.DIFFERENT);
        robot.interact(() -> {
            robot.lookup(".split-pane").queryAs(javafx.scene.control.SplitPane.class).setDividerPositions(0.8);
            diffs.getSelectionModel().select(at);
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".pane-title").queryAllAs(javafx.scene.control.Label.class))
                .extracting(javafx.scene.control.Label::getText).contains("public.orders {\"id\":42} — different");
        javafx.scene.layout.GridPane rows = robot.lookup("#verify-rows").queryAs(javafx.scene.layout.GridPane.class);
        javafx.scene.control.ScrollPane scroll = robot.lookup("#verify-rows-scroll").queryAs(javafx.scene.control.ScrollPane.class);
        assertThat(scroll.getViewportBounds().getWidth()).as("the pane is narrower than the rows").isLessThan(rows.getWidth());
        List<javafx.scene.control.Label> labels = rows.getChildren().stream().map(javafx.scene.control.Label.class::cast).toList();
        assertThat(labels).extracting(javafx.scene.control.Label::getText)
                .contains("column", "source (truth, after the mapping)", "target", "name", "name 42", "changed", "note, \"quoted\"");
        for (javafx.scene.control.Label l : labels) {
            assertThat(shownText(l)).as("label %s shown whole", l.getText()).isEqualTo(l.getText());
        }
        assertThat(labels.stream().filter(l -> l.getStyleClass().contains("verify-cell")))
                .allSatisfy(l -> assertThat(l.getTooltip()).isNotNull().extracting(javafx.scene.control.Tooltip::getText)
                        .isEqualTo(l.getText()));

        // the differing cells read well in both themes (WCAG AA for text: 4.5:1)
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> dev.cutover.ui.Theme.apply(scene, dark));
            WaitForAsyncUtils.waitForFxEvents();
            List<javafx.scene.control.Label> differing = labels.stream().filter(l -> l.getStyleClass().contains("verify-differs")).toList();
            assertThat(differing).hasSize(3);
            for (javafx.scene.control.Label l : differing) {
                assertThat(dev.cutover.ui.Contrast.lowest(l.getTextFill(), l)).as("%s, dark %s", l.getText(), dark)
                        .isGreaterThanOrEqualTo(4.5);
            }
        }
    }

    @Test
    void listsTheRunsWorkersThisConsoleAndRemoteOnes(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.cap().set(10); // 201 rows at 10 rows/s: the run lasts until the cap is lifted
            vm.startPolling();
        });
        assertThat(vm.workers()).isEmpty();
        robot.clickOn("#verify-run");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.workers().stream().anyMatch(dev.cutover.ui.LeaseHolders.Worker::local));
        String local = vm.localWorker();
        assertThat(local).isNotNull();
        assertThat(vm.workers().get(0).id()).isEqualTo(local);
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> workers = robot.lookup("#verify-workers").queryTableView();
        assertThat(robot.from(workers).lookup("this console").tryQuery()).isPresent();
        // (its own lease is held only while a chunk is compared, milliseconds between the throttle's waits: not asserted)

        // a `cutover worker --job verify` on another machine holding a chunk lease of the run
        var keys = new dev.cutover.control.ControlKeys(migration);
        String job;
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(TestRedis.sharedUrl());
        try (var c = client.connect()) {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> c.sync().hget(keys.verifyRun(), "job") != null); // announced
            job = c.sync().hget(keys.verifyRun(), "job");
            assertThat(job).startsWith("verify:");
            String remoteLease = keys.workLease(job, "public.orders:999");
            c.sync().set(remoteLease, "far-host:4242:beef", io.lettuce.core.SetArgs.Builder.px(60_000));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.workers().stream()
                    .anyMatch(w -> w.id().equals("far-host:4242:beef") && !w.local() && w.leases() == 1));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(robot.from(workers).lookup("remote").tryQuery()).isPresent();

            robot.interact(() -> vm.cap().set(0));
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.report().get() != null);
            // the run over, this console leaves the list; the remote one stays while its lease lives
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.workers().stream().noneMatch(w -> w.local() || w.id().equals(local)));
            assertThat(vm.workers()).extracting(dev.cutover.ui.LeaseHolders.Worker::id).containsExactly("far-host:4242:beef");
            c.sync().del(remoteLease);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.workers().isEmpty());
        } finally {
            client.shutdown();
        }
    }

    /** What a label shows: its text, or the text cut with "…" when it does not fit. */
    private static String shownText(javafx.scene.control.Label l) {
        return ((javafx.scene.text.Text) l.lookup(".text")).getText();
    }

    private static int indexOf(TableView<Difference> table, Difference.Kind kind) {
        for (int i = 0; i < table.getItems().size(); i++) {
            if (table.getItems().get(i).kind() == kind) {
                return i;
            }
        }
        throw new AssertionError("no " + kind + " listed");
    }

    private long count(String sql) throws Exception {
        try (Connection c = neu.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
