package dev.cutover.ui;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole console at the smallest window it allows (960×600) and at 1024×700: on every screen no
 * label, button or cell is shown cut ("…") or drawn over other content, and the Redis card is whole on the screen.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class WindowSizesTest {
    @TempDir
    static Path dir;

    private static final String MIGRATION = TestRedis.uniqueMigration("sizes");
    static final String LONG_QUERY = "orders_by_customer_and_status_with_line_items_and_refunds";
    private final TestDb old = TestDb.create("sizes_old");
    private final TestDb neu = TestDb.create("sizes_new", TestDb.Server.NEW, "");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        old.exec("CREATE TABLE orders (id bigint PRIMARY KEY, metadata jsonb, total_amount numeric(12,2), placed_at timestamptz);"
                + "INSERT INTO orders SELECT g, jsonb_build_object('shipping_method', 'ground'), g * 1.25, now() FROM generate_series(1, 50) g");
        // one row differing in three columns: the Verify screen lists it (and the 49 missing) with its key and kind whole
        neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, total_cents bigint, placed_at timestamptz);"
                + "INSERT INTO orders VALUES (1, 'air', 1, now() - interval '1 day')");
        Path plan = dir.resolve("sizes.json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{
                  "source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
                  "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                              {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"}, {"target": "placed_at", "expr": "placed_at"}],
                  "dropped": []}]}
                """.formatted(MIGRATION));
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            ControlKeys k = new ControlKeys(MIGRATION);
            // created_at too: a version without it is a state Redis lost (ControlStore.view), which the status bar now says
            r.sync().mset(Map.of(k.phase(), "traffic_shift", k.readPercent(), "5", k.version(), "3", k.writeTarget(), "dual_write",
                    k.createdAt(), Long.toString(System.currentTimeMillis())));
            // a mismatch sample of a query with a long name: Shadow reads lists it whole
            r.sync().lpush(k.mismatchSamples(), "{\"at\":1764115200000,\"query\":\"" + LONG_QUERY + "\",\"params_hash\":\"ab12\","
                    + "\"mode\":\"old_new\",\"served\":\"old\",\"old_ms\":12.5,\"new_ms\":102.25,\"old_rows\":[{\"id\":5}],"
                    + "\"new_rows\":[{\"id\":6}],\"old_row_count\":1,\"new_row_count\":1}");
        }
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (RedisClient c = RedisClient.create(TestRedis.sharedUrl()); StatefulRedisConnection<String, String> r = c.connect()) {
            ControlKeys k = new ControlKeys(MIGRATION);
            r.sync().del(k.phase(), k.readPercent(), k.version(), k.writeTarget(), k.createdAt(), k.mismatchSamples(), k.verify(), k.verifyRun());
        } catch (RuntimeException ignored) {
            // best effort: the migration's name is unique
        }
        old.close();
        neu.close();
    }

    @Test
    void everyScreenShowsEveryLabelWholeAt960x600And1024x700(FxRobot robot) throws Exception {
        // the endpoints given are tested at start: wait for the cards and the status bar to say so
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> text(robot, "#status-redis").equals("Redis: up")
                && text(robot, "#status-phase").startsWith("Phase: traffic_shift"));
        // a verification with differences listed (the key and each kind whole in the list), and the shadow sample read
        robot.interact(() -> console.verify().verify());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> console.verify().report().get() != null);
        assertThat(console.verify().differences()).hasSize(50);
        robot.interact(() -> console.window().show("shadow-reads"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> console.shadow().samples().size() == 1);
        // a profile name as a DBA names one, in each card's Name field
        robot.interact(() -> console.connections().forms().forEach(f -> f.name().set("staging-" + f.role().name().toLowerCase() + "-eu-west-1")));
        assertThat(stage.getMinWidth()).isEqualTo(960);
        assertThat(stage.getMinHeight()).isEqualTo(600);
        List<String> cut = new ArrayList<>();
        for (double[] size : new double[][] {{960, 600}, {1024, 700}}) {
            robot.interact(() -> {
                stage.setWidth(size[0]);
                stage.setHeight(size[1]);
            });
            Scene scene = stage.getScene();
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> scene.getWidth() == size[0] && scene.getHeight() == size[1]);
            for (String screen : List.of("connections", "mappings", "backfill", "verify", "shadow-reads", "traffic-and-phase", "change-capture")) {
                robot.interact(() -> console.window().show(screen));
                // polled content (Redis, databases) arrives within a second or two; the layout follows
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> settled(robot, scene));
                String where = (int) size[0] + "x" + (int) size[1] + " " + screen + ": ";
                Elided.under(scene.getRoot()).forEach(s -> cut.add(where + s));
                Node view = console.window().current().view();
                overlaps(view, "").forEach(s -> cut.add(where + s));
                Bounds vb = view.localToScene(view.getLayoutBounds());
                if (vb.getMaxX() > scene.getWidth() + 0.5) {
                    cut.add(where + "the screen is laid out " + vb.getWidth() + " px wide to " + vb.getMaxX() + ", beyond the window" + widest(view, ""));
                }
                if (screen.equals("verify") && size[0] >= 1024) {
                    for (Node t : robot.lookup("#verify-tables, #verify-differences").queryAll()) {
                        robot.from(t).lookup(".scroll-bar").queryAllAs(javafx.scene.control.ScrollBar.class).stream()
                                .filter(b -> b.getOrientation() == javafx.geometry.Orientation.HORIZONTAL && b.isVisible())
                                .forEach(b -> cut.add(where + "#" + t.getId() + " scrolls sideways"));
                    }
                }
                if (screen.equals("shadow-reads")) {
                    // the charts are shown whole (scrolling in a short window), never squeezed below their least height and cut at an edge
                    javafx.scene.layout.Region grid = robot.lookup("#shadow-charts").queryAs(javafx.scene.layout.Region.class);
                    if (grid.getHeight() < grid.minHeight(-1) - 0.5) {
                        cut.add(where + "the charts are laid out " + grid.getHeight() + " px high, less than their least " + grid.minHeight(-1));
                    }
                    Node split = robot.lookup(".shadow-split").query();
                    double gridTop = grid.localToScene(grid.getLayoutBounds()).getMinY();
                    double splitTop = split.localToScene(split.getLayoutBounds()).getMinY();
                    if (gridTop < splitTop - 0.5) {
                        cut.add(where + "the charts start at y " + gridTop + ", above their pane's top " + splitTop + ": their top is cut off");
                    }
                }
                if (screen.equals("connections")) {
                    Elided.fields(view).stream().filter(s -> s.matches("#\\w+-name: .*")).forEach(s -> cut.add(where + s));
                    List<Node> cards = new ArrayList<>(robot.lookup(".card").queryAll());
                    assertThat(cards).hasSize(3);
                    for (Node card : cards) {
                        Bounds b = card.localToScene(card.getLayoutBounds());
                        if (b.getMaxX() > scene.getWidth()) {
                            cut.add(where + "a card ends at x " + b.getMaxX() + ", outside the window" + widest(card, ""));
                        }
                        if (card.getLayoutBounds().getWidth() < card.minWidth(-1) - 0.5) {
                            cut.add(where + "a card is " + card.getLayoutBounds().getWidth() + " px wide, less than its content's " + card.minWidth(-1));
                        }
                    }
                }
            }
        }
        assertThat(cut).as("labels, buttons and cells shown cut").isEmpty();
    }

    /**
     * What is drawn over something else: a box's shown children that overlap one another (a VBox's
     * in height, an HBox's in width), and a label's painted text running past its own bounds onto
     * what lies beyond (a wrapped label given fewer lines than its text needs).
     */
    static List<String> overlaps(Node n, String path) {
        List<String> out = new ArrayList<>();
        if (!n.isVisible()) {
            return out;
        }
        String here = path + "/" + n.getClass().getSimpleName() + (n.getId() == null ? "" : "#" + n.getId());
        if (n instanceof javafx.scene.control.Labeled l && l.getText() != null && !l.getText().isBlank()) {
            for (Node c : l.getChildrenUnmodifiable()) {
                if (c instanceof javafx.scene.text.Text t && c.isVisible()) {
                    Bounds b = t.getBoundsInParent();
                    if (b.getMaxY() > l.getHeight() + 1 || b.getMinY() < -1) {
                        out.add(here + " \"" + l.getText() + "\": its text spans y " + (int) b.getMinY() + ".." + (int) b.getMaxY()
                                + " in a label " + (int) l.getHeight() + " px high, drawn over what lies beyond");
                    }
                }
            }
        }
        if (n instanceof javafx.scene.layout.VBox || n instanceof javafx.scene.layout.HBox) {
            boolean vertical = n instanceof javafx.scene.layout.VBox;
            Node before = null;
            for (Node c : ((javafx.scene.Parent) n).getChildrenUnmodifiable()) {
                if (!c.isVisible() || !c.isManaged()) {
                    continue;
                }
                Bounds b = c.getBoundsInParent();
                if (before != null && (vertical ? b.getMinY() < before.getLayoutY() + before.getLayoutBounds().getMaxY() - 1
                        : b.getMinX() < before.getLayoutX() + before.getLayoutBounds().getMaxX() - 1)) {
                    out.add(here + ": " + c.getClass().getSimpleName() + (c.getId() == null ? "" : "#" + c.getId())
                            + " laid over " + before.getClass().getSimpleName() + (before.getId() == null ? "" : "#" + before.getId())
                            + " (" + (vertical ? "from y " + (int) b.getMinY() + ", above its end " + (int) (before.getLayoutY() + before.getLayoutBounds().getMaxY())
                            : "from x " + (int) b.getMinX() + ", left of its end " + (int) (before.getLayoutX() + before.getLayoutBounds().getMaxX())) + ")");
                }
                before = c;
            }
        }
        if (n instanceof javafx.scene.Parent p && !(n instanceof javafx.scene.control.Labeled)) {
            for (Node c : p.getChildrenUnmodifiable()) {
                out.addAll(overlaps(c, here));
            }
        }
        return out;
    }

    static String widest(Node n, String path) {
        if (!(n instanceof javafx.scene.Parent p)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Node c : p.getChildrenUnmodifiable()) {
            if (c instanceof javafx.scene.layout.Region r && r.minWidth(-1) > 100) {
                b.append("\n  ").append(path).append("/").append(c.getClass().getSimpleName()).append(c.getId() == null ? "" : "#" + c.getId())
                        .append(" min ").append(r.minWidth(-1)).append(" w ").append(r.getWidth()).append(widest(c, path + "/" + c.getClass().getSimpleName()));
            }
        }
        return b.toString();
    }

    /** Two layout pulses in a row with nothing left to lay out. */
    private static boolean settled(FxRobot robot, Scene scene) {
        WaitForAsyncUtils.waitForFxEvents();
        return !scene.getRoot().isNeedsLayout();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }
}
