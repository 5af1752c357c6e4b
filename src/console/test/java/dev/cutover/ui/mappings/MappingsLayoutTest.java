package dev.cutover.ui.mappings;

import dev.cutover.ui.TestConsole;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.ui.Console;
import dev.cutover.ui.Elided;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.Region;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Mappings screen in the whole console, opened at 1280x800 and made 1024x700: the grid shows its
 * columns whole (no sideways scrollbar, Status readable) and at least 8 rows; the schema trees
 * neither scroll sideways nor cut names; back at 1280x800 the grid, not the trees, takes the width.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MappingsLayoutTest {
    @TempDir
    static Path dir;

    private final TestDb old = TestDb.create("maplay_old");
    private final TestDb neu = TestDb.create("maplay_new");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        // the sample migration's orders (scripts/lib/sample-migration.sh), with more new columns than 8 rows
        old.exec("""
                CREATE TABLE customers (id bigint PRIMARY KEY, full_name text NOT NULL, email varchar(200), created timestamptz NOT NULL);
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers,
                                     total_amount numeric(12,2) NOT NULL, metadata jsonb NOT NULL DEFAULT '{}', "Note Text" text,
                                     legacy_flags int, created timestamptz NOT NULL DEFAULT now());""");
        neu.exec("""
                CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, created_at timestamptz NOT NULL);
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, total_cents bigint NOT NULL,
                                     shipping_method text, priority int, note text, created_at timestamptz NOT NULL,
                                     gift_note text, delivery_window tstzrange, updated_at timestamptz);""");
        Path plan = dir.resolve("layout-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "layout-demo", "tables": [{
                  "source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
                  "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "customer_id", "expr": "customer_id"},
                              {"target": "total_cents", "expr": "round(total_amont * 100)::bigint"},
                              {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                              {"target": "priority", "expr": "(metadata->>'priority')::int"},
                              {"target": "note", "expr": "\\"Note Text\\""}, {"target": "created_at", "expr": "created"}],
                  "dropped": ["legacy_flags"]}]}
                """);
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url());
    }

    @AfterEach
    void close() {
        console.close();
        old.close();
        neu.close();
    }

    @Test
    void at1024x700TheGridShowsItsColumnsWholeAndEightRowsAndAtFullSizeTakesTheWidth(FxRobot robot) throws Exception {
        size(robot, 1280, 800);
        robot.interact(() -> console.window().show("mappings"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> console.mappings().rows().size() == 10
                && console.mappings().rows().stream().noneMatch(r -> r.status() == MappingRow.Status.CHECKING));
        settle(robot);
        TableView<?> grid = robot.lookup("#mapping-grid").queryAs(TableView.class);
        Region oldTree = robot.lookup("#old-tree").queryAs(Region.class);
        Region newTree = robot.lookup("#new-tree").queryAs(Region.class);
        double[] wide = {grid.getWidth(), oldTree.getWidth(), newTree.getWidth()};

        size(robot, 1024, 700);
        settle(robot);
        assertThat(sideways(robot, grid)).as("the grid scrolls sideways at 1024x700 (%s px wide)", grid.getWidth()).isFalse();
        assertThat(rowsShown(robot, grid)).as("rows of the grid shown whole at 1024x700").isGreaterThanOrEqualTo(8);
        for (Region tree : List.of(oldTree, newTree)) {
            assertThat(sideways(robot, tree)).as("#%s scrolls sideways", tree.getId()).isFalse();
            assertThat(Elided.under(tree)).as("names cut in #%s", tree.getId()).isEmpty();
        }
        assertThat(Elided.under(grid)).isEmpty();
        double[] narrow = {grid.getWidth(), oldTree.getWidth(), newTree.getWidth()};

        size(robot, 1280, 800);
        settle(robot);
        double[] again = {grid.getWidth(), oldTree.getWidth(), newTree.getWidth()};
        assertThat(again[0] - narrow[0]).as("what the grid gains from 1024 to 1280").isGreaterThanOrEqualTo(150);
        assertThat(again[1] - narrow[1] + again[2] - narrow[2]).as("what the trees gain").isLessThan(again[0] - narrow[0]);
        assertThat(again[0]).as("the grid at 1280 as first shown").isCloseTo(wide[0], org.assertj.core.data.Offset.offset(2.0));
    }

    @Test
    void at1024x700TheSqlPreviewShowsSixLinesBesideTheFindingsUnderTheGridsEightRows(FxRobot robot) throws Exception {
        size(robot, 1024, 700);
        robot.interact(() -> console.window().show("mappings"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> console.mappings().rows().size() == 10
                && console.mappings().rows().stream().noneMatch(r -> r.status() == MappingRow.Status.CHECKING));
        robot.interact(() -> robot.lookup("#mapping-grid").queryAs(TableView.class).getSelectionModel().select(2));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !console.mappings().preview().get().isBlank());
        settle(robot);
        var preview = robot.lookup("#sql-preview").queryAs(org.fxmisc.richtext.CodeArea.class);
        double[] line = {0};
        // a line's height: the first paragraph's over its lines (a long one wraps)
        robot.interact(() -> line[0] = preview.getParagraphBoundsOnScreen(0).map(javafx.geometry.Bounds::getHeight).orElse(0.0)
                / Math.max(1, preview.getParagraphLinesCount(0)));
        assertThat(line[0]).as("a line of the preview").isPositive();
        assertThat(preview.getHeight() / line[0]).as("lines of SQL the preview shows at 1024x700 (%s px high, a line %s px)",
                preview.getHeight(), line[0]).isGreaterThanOrEqualTo(6);
        // the screen does not scroll to get there: the preview lies inside the window
        var b = preview.localToScene(preview.getLayoutBounds());
        assertThat(b.getMaxY()).as("the preview's bottom").isLessThanOrEqualTo(stage.getScene().getHeight());
        TableView<?> grid = robot.lookup("#mapping-grid").queryAs(TableView.class);
        assertThat(rowsShown(robot, grid)).as("rows of the grid shown whole at 1024x700").isGreaterThanOrEqualTo(8);
        assertThat(Elided.under(robot.lookup("#preview-findings").query())).isEmpty();
    }

    private void size(FxRobot robot, double w, double h) throws Exception {
        robot.interact(() -> {
            stage.setWidth(w);
            stage.setHeight(h);
        });
        Scene scene = stage.getScene();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == w && scene.getHeight() == h);
    }

    private void settle(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !stage.getScene().getRoot().isNeedsLayout();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static boolean sideways(FxRobot robot, Node n) {
        return robot.from(n).lookup(".scroll-bar").queryAllAs(ScrollBar.class).stream()
                .anyMatch(b -> b.getOrientation() == Orientation.HORIZONTAL && b.isVisible());
    }

    /** Rows with an item that lie wholly inside the grid's rows area. */
    private static long rowsShown(FxRobot robot, TableView<?> grid) {
        Node flow = robot.from(grid).lookup(".virtual-flow").query();
        var area = flow.localToScene(flow.getLayoutBounds());
        return robot.from(grid).lookup((Node n) -> n instanceof TableRow<?> r && r.isVisible() && r.getItem() != null).queryAll()
                .stream().filter(r -> {
                    var b = r.localToScene(r.getLayoutBounds());
                    return b.getMinY() >= area.getMinY() - 0.5 && b.getMaxY() <= area.getMaxY() + 0.5;
                }).count();
    }
}
