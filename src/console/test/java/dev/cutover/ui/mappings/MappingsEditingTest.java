package dev.cutover.ui.mappings;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.TestDb;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.input.KeyCode;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Mappings screen items of issue 15, in a window over two real databases: the header shows the
 * plan's folder, the SQL preview keeps its scroll position while typing, the findings list each
 * subject and key once, the status line follows undo and redo, and Ctrl+Y redoes in the
 * expression editor as in the grid.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class MappingsEditingTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static final TableRef CUSTOMERS = new TableRef("public", "customers");
    private static TestDb oldDb;
    private static TestDb newDb;

    @TempDir
    Path dir;

    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private MappingsViewModel vm;

    @BeforeAll
    static void databases() {
        oldDb = TestDb.create("maped_old").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total_amount numeric(12,2) NOT NULL, "Note Text" text,
                                     legacy_flags int, created timestamptz);
                INSERT INTO orders VALUES (1, 12.50, 'first', 0, now());
                CREATE TABLE customers (id bigint PRIMARY KEY, full_name text NOT NULL);
                INSERT INTO customers SELECT g, CASE WHEN g % 2 = 0 THEN 'x' ELSE 'name ' || g END FROM generate_series(1, 40) g;""");
        newDb = TestDb.create("maped_new").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text, created_at timestamptz);
                CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);""");
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
        Scene scene = new Scene(new MappingsView(vm), 1024, 700);
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

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
    void newOnAPlanWithUnsavedChangesAsksFirstAndEnterKeepsThePlan(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.newPlan("acme");
            vm.mapTables(ORDERS, ORDERS);
        });
        assertThat(vm.dirty().get()).isTrue();
        robot.clickOn("#plan-new");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#unsaved-confirm").tryQuery().isPresent());
        assertThat(robot.lookup((javafx.scene.control.Button b) -> "Cancel".equals(b.getText())).queryButton().isDefaultButton())
                .as("Cancel is the default").isTrue();
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#unsaved-confirm").tryQuery().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".text-input-dialog").tryQuery()).as("the new plan's name asked for").isEmpty();
        assertThat(vm.plan().get().name()).isEqualTo("acme");
        assertThat(vm.plan().get().tables()).hasSize(1);
        assertThat(vm.dirty().get()).isTrue();
    }

    @Test
    void theHeaderShowsThePlansFolder(FxRobot robot) throws Exception {
        awaitSchemas();
        Path folder = Files.createDirectories(dir.resolve("plans of acme"));
        robot.interact(() -> {
            vm.newPlan("acme");
            vm.mapTables(ORDERS, ORDERS);
        });
        assertThat(text(robot, "#plan-location")).isEqualTo("not saved yet");
        Path file = folder.resolve("acme.json");
        robot.interact(() -> assertThat(vm.saveAs(file)).isTrue());
        assertThat(text(robot, "#plan-location")).isEqualTo("acme.json in " + folder.toAbsolutePath());
        assertThat(robot.lookup("#plan-location").queryAs(Label.class).isVisible()).isTrue();
    }

    @Test
    void theSqlPreviewKeepsItsScrollPositionWhileTyping(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.mapTables(ORDERS, ORDERS);
            vm.selectedTarget().set("total_cents");
            vm.editExpr("round(total_amount * 100)::bigint");
            vm.selectedTarget().set("note");
            vm.editExpr("\"Note Text\"");
            vm.selectedTarget().set("created_at");
            vm.editExpr("created");
        });
        CodeArea preview = robot.lookup("#sql-preview").queryAs(CodeArea.class);
        robot.interact(() -> preview.estimatedScrollYProperty().setValue(1e6)); // to the end (clamped)
        WaitForAsyncUtils.waitForFxEvents();
        double bottom = preview.getEstimatedScrollY();
        assertThat(bottom).as("the preview is taller than its pane, so it can scroll").isGreaterThan(20);

        robot.clickOn("#expr-editor").write(" at time zone 'UTC'");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(preview.getText()).contains("at time zone 'UTC'").doesNotContain("cannot render");
        assertThat(preview.getEstimatedScrollY()).isCloseTo(bottom, org.assertj.core.data.Offset.offset(30.0));
    }

    @Test
    void theFindingsListEachSubjectAndEachKeyOnce(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.mapTables(CUSTOMERS, CUSTOMERS);
            vm.selectedTarget().set("name");
            vm.editExpr("NULLIF(full_name, 'x')"); // NULL into NOT NULL for every even id
        });
        robot.interact(vm::runCheck);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !vm.checking().get() && !vm.findings().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        List<String> shown = robot.lookup("#findings .list-cell").queryAllAs(ListCell.class).stream()
                .map(ListCell::getText).filter(t -> t != null && !t.isEmpty()).toList();
        assertThat(shown).isNotEmpty().doesNotHaveDuplicates();
        String nulls = shown.stream().filter(t -> t.contains("customers.name")).findFirst().orElseThrow();
        assertThat(nulls).contains("(plan check)").contains("20 rows");
        for (String key : List.of("{\"id\":2}", "{\"id\":4}")) {
            assertThat(nulls.indexOf(key)).as(key + " listed once in: " + nulls).isEqualTo(nulls.lastIndexOf(key));
        }
        assertThat(vm.findings()).filteredOn(f -> "name".equals(f.targetColumn())).hasSize(1);
    }

    @Test
    void theStatusLineFollowsUndoAndRedo(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.mapTables(ORDERS, ORDERS);
            vm.mapColumn(ORDERS, "created", ORDERS, "created_at");
        });
        assertThat(text(robot, "#mappings-message")).isEqualTo("Mapped orders.created → orders.created_at");
        robot.clickOn("#undo");
        assertThat(text(robot, "#mappings-message")).isEqualTo("Undone: mapped orders.created → orders.created_at");
        assertThat(vm.table().column("created_at")).isEmpty();
        robot.clickOn("#undo");
        assertThat(text(robot, "#mappings-message")).isEqualTo("Undone: mapped table public.orders → public.orders");
        robot.clickOn("#redo");
        assertThat(text(robot, "#mappings-message")).isEqualTo("Redone: mapped table public.orders → public.orders");
        robot.clickOn("#redo");
        assertThat(text(robot, "#mappings-message")).isEqualTo("Redone: mapped orders.created → orders.created_at");
        assertThat(vm.table().column("created_at")).isPresent();
    }

    @Test
    void ctrlYRedoesInTheExpressionEditorAsInTheGrid(FxRobot robot) throws Exception {
        awaitSchemas();
        robot.interact(() -> {
            vm.mapTables(ORDERS, ORDERS);
            vm.selectedTarget().set("total_cents");
        });
        CodeArea editor = robot.lookup("#expr-editor").queryAs(CodeArea.class);
        robot.clickOn("#expr-editor").write("total_amount");
        assertThat(editor.getText()).isEqualTo("total_amount");
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(editor.getText()).isEmpty();
        assertThat(vm.table().column("total_cents")).isEmpty();
        robot.press(KeyCode.CONTROL, KeyCode.Y).release(KeyCode.Y, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(editor.getText()).isEqualTo("total_amount");
        assertThat(vm.table().column("total_cents").orElseThrow().expr()).isEqualTo("total_amount");
        assertThat(text(robot, "#mappings-message")).startsWith("Redone: edited the expression of orders.total_cents");
    }
}
