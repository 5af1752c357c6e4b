package dev.cutover.ui;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.TestDb;
import dev.cutover.ui.mappings.MappingsView;
import dev.cutover.ui.mappings.MappingsViewModel;
import dev.cutover.ui.mappings.SchemaTree;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TreeCell;
import javafx.stage.Stage;
import org.fxmisc.richtext.CodeArea;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

/** The Mappings screen over two real databases: drag and drop, live preview, the database's verdict, save and reopen. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class MappingsViewTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static TestDb oldDb;
    private static TestDb newDb;

    @TempDir
    Path dir;

    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private MappingsViewModel vm;

    @BeforeAll
    static void databases() {
        oldDb = TestDb.create("map_old").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total_amount numeric(12,2) NOT NULL, "Note Text" text,
                                     legacy_flags int, created timestamptz);
                INSERT INTO orders VALUES (1, 12.50, 'first', 0, now());
                CREATE TABLE customers (id bigint PRIMARY KEY, full_name text NOT NULL);
                INSERT INTO customers VALUES (1, 'Ada');""");
        newDb = TestDb.create("map_new").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text, created_at timestamptz);
                CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text);""");
    }

    @AfterAll
    static void drop() {
        oldDb.close();
        newDb.close();
    }

    @Start
    void start(Stage stage) {
        Session session = new Session();
        vm = new MappingsViewModel(session, tasks);
        session.oldDb().set(new Db("old database", oldDb.url()));
        session.newDb().set(new Db("new database", newDb.url()));
        Scene scene = new Scene(new MappingsView(vm), 1200, 760);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
    }

    private void awaitSchemas() throws Exception {
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.oldSchema().get() != null && vm.newSchema().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void dragAnOldColumnOntoANewColumnMapsItAndThePreviewShowsTheEnginesSql(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> vm.mapTables(ORDERS, ORDERS));
        assertThat(vm.table().columns()).containsExactly(new ColumnMapping("id", "\"id\""));

        robot.drag(treeCell(robot, "old-tree", "Note Text")).dropTo(treeCell(robot, "new-tree", "note"));
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(vm.table().column("note")).contains(new ColumnMapping("note", "\"Note Text\""));
        assertThat(preview(robot)).contains("(\"Note Text\")::text AS \"note\"")
                .contains("FROM \"public\".\"orders\" AS src")
                .contains("INSERT INTO \"public\".\"orders\"");
        // dropping onto a row of the grid maps too
        robot.drag(treeCell(robot, "old-tree", "created")).dropTo(gridRow(robot, "created_at"));
        assertThat(vm.table().column("created_at")).contains(new ColumnMapping("created_at", "\"created\""));
        assertThat(vm.selectedTarget().get()).isEqualTo("created_at");
    }

    @Test
    void typingABadExpressionShowsTheDatabasesErrorAndTheGoodOneChangesThePreview(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.mapTables(ORDERS, ORDERS);
            vm.selectedTarget().set("total_cents");
        });
        CodeArea editor = robot.lookup("#expr-editor").queryAs(CodeArea.class);
        robot.clickOn("#expr-editor").write("totl");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> status(robot).contains("does not exist"));
        assertThat(status(robot)).isEqualTo("column \"totl\" does not exist (at character 1 of the expression)");
        assertThat(vm.table().column("total_cents").orElseThrow().expr()).isEqualTo("totl");
        robot.interact(() -> editor.replaceText("round(totl_amount * 100)"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> status(robot).contains("does not exist"));
        assertThat(status(robot)).isEqualTo("column \"totl_amount\" does not exist (at character 7 of the expression)");
        assertThat(vm.findings()).anyMatch(f -> f.targetColumn() != null && f.targetColumn().equals("total_cents")
                && f.message().contains("totl_amount"));
        assertThat(preview(robot)).contains("(round(totl_amount * 100))::bigint AS \"total_cents\"");

        robot.interact(() -> editor.replaceText(6, 10, "total"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> status(robot).startsWith("✓"));
        assertThat(preview(robot)).contains("(round(total_amount * 100))::bigint AS \"total_cents\"");
        assertThat(vm.table().column("total_cents").orElseThrow().expr()).isEqualTo("round(total_amount * 100)");

        // one undo step takes back the whole run of typing in that column
        robot.clickOn("#undo");
        assertThat(vm.table().column("total_cents")).isEmpty();
        assertThat(editor.getText()).isEmpty();
        robot.clickOn("#redo");
        assertThat(editor.getText()).isEqualTo("round(total_amount * 100)");
    }

    @Test
    void thePlanChecksFindingsJoinTheQuickOnesAndStayForEveryTableNotEditedSince(FxRobot robot) throws Exception {
        Path file = dir.resolve("two-tables.json");
        Files.writeString(file, """
                {"version": 1, "name": "two-tables", "tables": [
                  {"source": {"schema": "public", "table": "customers"}, "target": {"schema": "public", "table": "customers"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "full_name"}], "dropped": []},
                  {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "total_cents", "expr": "round(total_amont * 100)::bigint"},
                     {"target": "note", "expr": "\\"Note Text\\""}, {"target": "created_at", "expr": "created"}], "dropped": []}]}
                """);
        awaitSchemas();
        robot.interact(() -> vm.open(file));
        robot.interact(() -> vm.tableIndex().set(1));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> vm.findings().stream()
                .anyMatch(f -> "total_cents".equals(f.targetColumn()))));
        assertThat(vm.findings()).noneMatch(vm::fromCheck);

        robot.interact(vm::runCheck);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> !vm.checking().get()));
        WaitForAsyncUtils.waitForFxEvents();
        // both tables' check findings are listed, problems first; the typo is listed once, as the check's
        assertThat(vm.findings()).anyMatch(f -> vm.fromCheck(f) && f.table().equals("public.customers"));
        assertThat(vm.findings().get(0).severity()).isEqualTo(dev.cutover.check.Severity.PROBLEM);
        assertThat(vm.findings()).filteredOn(f -> "total_cents".equals(f.targetColumn())).singleElement()
                .matches(vm::fromCheck);
        // the quick check's unmapped old column (legacy_flags) is the check's too: listed once
        assertThat(vm.findings()).filteredOn(f -> "legacy_flags".equals(f.sourceColumn())).hasSize(1);
        String first = onFx(() -> ((javafx.scene.control.ListCell<?>) robot.lookup("#findings .list-cell").query()).getText());
        assertThat(first).startsWith("Problem (plan check) · public.orders.total_cents:");

        // fixing orders: its check findings go (that table changed), the customers' stay
        robot.interact(() -> {
            vm.selectedTarget().set("total_cents");
            vm.editExpr("round(total_amount * 100)::bigint");
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> vm.findings().stream()
                .noneMatch(f -> "total_cents".equals(f.targetColumn()))));
        assertThat(vm.findings()).noneMatch(f -> vm.fromCheck(f) && f.table().equals("public.orders"));
        assertThat(vm.findings()).anyMatch(f -> vm.fromCheck(f) && f.table().equals("public.customers"));
        assertThat(vm.findings()).anyMatch(f -> !vm.fromCheck(f) && "legacy_flags".equals(f.sourceColumn()));
        // and undo brings the checked mapping back, with what the check said about it
        robot.interact(vm::undo);
        assertThat(vm.findings()).anyMatch(f -> vm.fromCheck(f) && "total_cents".equals(f.targetColumn()));
    }

    @Test
    void aCancelledPlanCheckLeavesTheButtonUsableAndSaysSo(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> vm.mapTables(ORDERS, ORDERS));
        robot.interact(() -> {
            vm.runCheck();
            tasks.cancelAll(); // the status bar's Cancel
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.checking().get()).isFalse();
        assertThat(robot.lookup("#check-plan").queryButton().isDisabled()).isFalse();
        assertThat(vm.message().get()).startsWith("Plan check cancelled");
        assertThat(vm.findings()).noneMatch(vm::fromCheck);
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        java.util.concurrent.FutureTask<T> t = new java.util.concurrent.FutureTask<>(c);
        javafx.application.Platform.runLater(t);
        return t.get(10, TimeUnit.SECONDS);
    }

    @Test
    void suggestSaveAndReopenThePlan(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.newPlan("shop");
            vm.mapTables(ORDERS, ORDERS);
        });
        robot.clickOn("#suggest");
        // "Note Text" → note is not close enough; created → created_at is (distance 3 after normalising: no)
        assertThat(vm.table().column("note")).isEmpty();
        robot.interact(() -> {
            vm.selectedTarget().set("total_cents");
            vm.editExpr("round(total_amount * 100)::bigint");
            vm.selectedTarget().set("note");
            vm.editExpr("\"Note Text\"");
        });
        assertThat(vm.dirty().get()).isTrue();
        assertThat(vm.title().get()).isEqualTo("shop — not saved yet •");

        Path file = dir.resolve("shop.json");
        robot.interact(() -> assertThat(vm.saveAs(file)).isTrue());
        assertThat(vm.title().get()).isEqualTo("shop — shop.json");
        Plan reread = PlanFile.read(file);
        assertThat(reread).isEqualTo(vm.plan().get());

        robot.interact(() -> vm.editExpr("\"Note Text\" || ''"));
        assertThat(vm.dirty().get()).isTrue();
        robot.interact(() -> assertThat(vm.open(file)).isTrue());
        assertThat(vm.dirty().get()).isFalse();
        assertThat(vm.plan().get()).isEqualTo(reread);
        assertThat(vm.table().column("note").orElseThrow().expr()).isEqualTo("\"Note Text\"");
    }

    @Test
    void aPlanTheEngineWouldRefuseIsNotSavedAndSaysWhy(FxRobot robot) throws Exception {
        awaitSchemas();
        Path file = dir.resolve("bad.json");
        robot.interact(() -> {
            vm.newPlan("shop");
            vm.mapTables(ORDERS, ORDERS);
            vm.selectedTarget().set("id");
            vm.editExpr("id + 0");
            assertThat(vm.saveAs(file)).isFalse();
        });
        assertThat(Files.exists(file)).isFalse();
        assertThat(vm.message().get()).isEqualTo("Not saved: bad.json: tables[0].key[0]: key column \"id\" must be mapped"
                + " unchanged to a target column (a column whose expr is just \"id\")");
    }

    private static String status(FxRobot robot) {
        return robot.lookup("#expr-status").queryAs(Label.class).getText();
    }

    private static String preview(FxRobot robot) {
        return robot.lookup("#sql-preview").queryAs(CodeArea.class).getText();
    }

    @SuppressWarnings("unchecked")
    private static Node treeCell(FxRobot robot, String tree, String column) {
        // the two trees share one column (old above new): a column further down is scrolled to first, as a DBA would
        SchemaTree t = robot.lookup("#" + tree).queryAs(SchemaTree.class);
        robot.interact(() -> {
            for (int i = 0; i < t.getExpandedItemCount(); i++) {
                SchemaTree.Node n = t.getTreeItem(i).getValue();
                if (n != null && n.column() != null && n.column().name().equals(column)) {
                    t.scrollTo(Math.max(0, i - 2));
                }
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        return robot.lookup("#" + tree).lookup((Node n) -> n instanceof TreeCell<?> c && c.getItem() instanceof SchemaTree.Node sn
                && sn.column() != null && sn.column().name().equals(column)).query();
    }

    private static Node gridRow(FxRobot robot, String target) {
        return robot.lookup("#mapping-grid").lookup((Node n) -> n instanceof TableRow<?> r && r.getItem() != null
                && ((dev.cutover.ui.mappings.MappingRow) r.getItem()).target().equals(target)).query();
    }
}
