package dev.cutover.ui.traffic;

import dev.cutover.control.Actor;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import dev.cutover.ui.TestConsole;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Traffic & phase screen inside the whole console at 1024×700, as the DBA walked the sample
 * migration: the status bar follows a change made here at once, a refusal moves no control the
 * mouse is on, the sample rate's error is under its field in view, a rollback keeps the focus.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrafficConsoleTest {
    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("traffic-walk");
    private final RedisLink link = RedisLink.open(TestRedis.sharedUrl());
    private final ControlStore store = new ControlStore(link, migration);
    private final Actor tester = new Actor("tester", "test-host");
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        new ControlPlane(store, GuardSettings.defaults()).movePhase(dev.cutover.control.ControlState.initial(), Phase.TRAFFIC_SHIFT,
                tester, "test setup", true);
        Path plan = dir.resolve("walk-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "t"},
                 "target": {"schema": "public", "table": "t"}, "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}
                """.formatted(migration));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        var k = store.keys();
        link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                k.audit(), k.key("changed_at"), k.key("created_at"), k.routingKeys(), k.backfill());
        link.close();
    }

    /** The traffic screen at 1024×700, its state read. */
    private TrafficViewModel traffic(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            console.window().show("traffic-and-phase");
        });
        TrafficViewModel vm = console.traffic();
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.state().get() != null && vm.checksOf().get() == Phase.TRAFFIC_SHIFT
                && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        return vm;
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private static Bounds inScene(Node n) {
        return n.localToScene(n.getLayoutBounds());
    }

    private static Node button(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && text.equals(b.getText())).query();
    }

    private static ScrollPane scrollOf(Node n) {
        Parent p = n.getParent();
        while (p != null && !(p instanceof ScrollPane)) {
            p = p.getParent();
        }
        return (ScrollPane) p;
    }

    /** DBA walk, 2: a shift and a rollback made here are in the status bar at once, with no poll of its own between. */
    @Test
    void theStatusBarShowsAShiftAndARollbackMadeHereAtOnce(FxRobot robot) throws Exception {
        TrafficViewModel vm = traffic(robot);
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> text(robot, "#status-phase").equals("Phase: traffic_shift")
                && text(robot, "#status-read").equals("Reads on new: 0 %"));
        // its own poll stopped: only the change made here can bring the new phase to the status bar
        robot.interact(() -> console.status().stop());

        robot.clickOn("#read-slider .thumb").type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 1 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 1);
        WaitForAsyncUtils.waitFor(3, TimeUnit.SECONDS, () -> text(robot, "#status-read").equals("Reads on new: 1 %"));

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get());
        robot.clickOn("#phase-rollback");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Roll back to shadow_read"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().phase() == Phase.SHADOW_READ);
        WaitForAsyncUtils.waitFor(3, TimeUnit.SECONDS, () -> text(robot, "#status-phase").equals("Phase: shadow_read")
                && text(robot, "#status-read").equals("Reads on new: 0 %"));
    }

    /** DBA walk, 7: neither a refused phase move nor a refused traffic step moves the slider (nor the phase buttons). */
    @Test
    void aRefusalMovesNeitherTheSliderNorThePhaseButtons(FxRobot robot) throws Exception {
        TrafficViewModel vm = traffic(robot);
        Node slider = robot.lookup("#read-slider").query();
        Node advance = robot.lookup("#phase-advance").query();
        Bounds sliderBefore = inScene(slider);
        Bounds advanceBefore = inScene(advance);

        robot.clickOn(advance);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Move to new_primary"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#phase-refusal").queryAs(Label.class).isVisible()).isTrue();
        sameplace(inScene(slider), sliderBefore, "the slider after a refused move");
        sameplace(inScene(advance), advanceBefore, "Advance after its refusal");

        robot.clickOn("#read-slider .thumb").type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 100 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && vm.refused().get().percent() != null
                && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        Node refusal = robot.lookup("#phase-refusal").query();
        assertThat(refusal.isVisible()).isTrue();
        assertThat(inScene(refusal).getMinY()).as("a refused step is said under the slider").isGreaterThan(inScene(slider).getMaxY());
        sameplace(inScene(slider), sliderBefore, "the slider after a refused step");
        sameplace(inScene(advance), advanceBefore, "Advance after a refused step");
    }

    /**
     * Not moved down or up, nor resized in height; sideways by no more than the window's scroll bar
     * taking its width when a longer screen first needs it (both columns give a share of it).
     */
    private static void sameplace(Bounds now, Bounds before, String what) {
        assertThat(now.getMinY()).as(what + ": its top").isEqualTo(before.getMinY());
        assertThat(now.getHeight()).as(what + ": its height").isEqualTo(before.getHeight());
        assertThat(Math.abs(now.getMinX() - before.getMinX())).as(what + ": sideways").isLessThanOrEqualTo(16.0);
    }

    /** DBA walk, 5: a refused sample rate is said right under its field, in view at 700 px; the field shows Redis's value again. */
    @Test
    void aRefusedSampleRateIsSaidUnderItsFieldInView(FxRobot robot) throws Exception {
        TrafficViewModel vm = traffic(robot);
        TextField field = robot.lookup("#sample-rate-field").queryAs(TextField.class);
        ScrollPane sp = scrollOf(field);
        robot.interact(() -> {
            // the field in view, as the DBA scrolls to it
            sp.layout();
            double contentH = sp.getContent().getLayoutBounds().getHeight();
            double viewH = sp.getViewportBounds().getHeight();
            double y = sp.getContent().sceneToLocal(inScene(field)).getMinY() - 100;
            sp.setVvalue(contentH <= viewH ? 0 : Math.max(0, Math.min(1, y / (contentH - viewH))));
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(field).eraseText(10).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !vm.sampleError().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        Node error = robot.lookup("#sample-rate-error").query();
        Bounds viewport = sp.localToScene(sp.getLayoutBounds());
        Bounds shown = inScene(error);
        assertThat(error.isVisible()).isTrue();
        assertThat(shown.getMinY()).as("in view").isGreaterThanOrEqualTo(viewport.getMinY());
        assertThat(shown.getMaxY()).as("in view").isLessThanOrEqualTo(viewport.getMaxY());
        assertThat(shown.getMinY() - inScene(field).getMaxY()).as("right under the field").isBetween(0.0, 12.0);
        Label line = robot.lookup("#sample-rate-error .label").queryAs(Label.class);
        assertThat(line.getText()).isEqualTo("\"abc\" is not 0–100 %: nothing changed, Redis holds 1 %");
        assertThat(line.getHeight()).as("one line").isLessThan(2 * line.getFont().getSize() * 1.2);
        assertThat(field.getText()).isEqualTo("1");
        assertThat(text(robot, "#traffic-message")).doesNotContain("Sample rate");
    }

    /** DBA walk, 6: after a rollback the focus is back on Roll back (its new phase's), and the screen has not scrolled. */
    @Test
    void afterARollbackTheFocusStaysOnRollBackAndTheScreenDoesNotScroll(FxRobot robot) throws Exception {
        TrafficViewModel vm = traffic(robot);
        Button back = robot.lookup("#phase-rollback").queryButton();
        ScrollPane sp = scrollOf(back);
        double vvalue = sp.getVvalue();
        assertThat(inScene(back).getMaxY()).as("Roll back in view as the screen opens").isLessThan(sp.localToScene(sp.getLayoutBounds()).getMaxY());
        robot.clickOn(back);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Roll back to shadow_read"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().phase() == Phase.SHADOW_READ && !vm.busy().get()
                && vm.checksOf().get() == Phase.SHADOW_READ);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(back.getScene().getFocusOwner()).as("the focus is on Roll back").isSameAs(back);
        assertThat(sp.getVvalue()).as("the screen did not scroll").isEqualTo(vvalue);
    }
}
