package dev.cutover.ui.sync;

import dev.cutover.app.SyncRun;
import dev.cutover.plan.Plan;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Change capture screen running a real sync in the console's process between two real databases, with Redis. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class SyncViewTest {
    private final SyncPairFixture pair = new SyncPairFixture("syncview");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private SyncViewModel vm;
    private SyncRun other;

    @Start
    void start(Stage stage) {
        Session session = new Session();
        session.oldDb().set(pair.oldDb());
        session.newDb().set(pair.newDb());
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new SyncViewModel(session, tasks, new SimpleObjectProperty<Plan>(pair.plan));
        Scene scene = new Scene(new SyncView(vm), 1000, 700);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
        vm.startPolling();
    }

    @AfterEach
    void close() throws InterruptedException {
        vm.close();
        if (other != null) {
            other.stop();
            other.awaitEnd(30_000);
        }
        tasks.close();
        pair.close();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void startRunsSyncHereAChangeArrivesAndStopStopsIt(FxRobot robot) throws Exception {
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Not running — no slot"));
        assertThat(robot.lookup("#sync-forward-stop").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#sync-reverse").query().isVisible()).isFalse(); // no reverse slot

        robot.clickOn("#sync-forward-start");
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Running in this console — reported"));
        assertThat(robot.lookup("#sync-forward-start").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#sync-forward-drop").queryAs(Button.class).isDisabled()).isTrue();

        pair.old.exec("INSERT INTO orders VALUES (42, 9.99)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> pair.countNew("SELECT count(*) FROM orders WHERE id = 42 AND total_cents = 999") == 1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-rate").contains("(1 applied since it started)"));

        robot.clickOn("#sync-forward-stop");
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-message").startsWith("Sync " + pair.migration + " stopped: 1 changes"));
        // the line shown at the stop comes from the last poll's reading; the next poll reads the stopped status
        await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Not running — slot")
                && text(robot, "#sync-forward-state").contains("last reported stopped"));
        assertThat(robot.lookup("#sync-forward-stop").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#sync-forward-start").queryAs(Button.class).isDisabled()).isFalse();

        // Drop slot… warns of the writes a later sync would miss: its button says what it does, and Enter is Cancel
        await().atMost(10, TimeUnit.SECONDS).until(() -> !robot.lookup("#sync-forward-drop").queryAs(Button.class).isDisabled());
        robot.clickOn("#sync-forward-drop");
        await().atMost(10, TimeUnit.SECONDS).until(() -> robot.lookup("#sync-drop-confirm").tryQuery().isPresent());
        javafx.scene.control.DialogPane drop = robot.lookup("#sync-drop-confirm").queryAs(javafx.scene.control.DialogPane.class);
        assertThat(drop.getContentText()).contains("Verify, then Repair all on the Verify screen").doesNotContain("cutover repair");
        assertThat(robot.from(drop).lookup((Button b) -> "Cancel".equals(b.getText())).queryButton().isDefaultButton()).isTrue();
        assertThat(robot.from(drop).lookup((Button b) -> "Drop slot".equals(b.getText())).queryButton().isDefaultButton()).isFalse();
        robot.type(javafx.scene.input.KeyCode.ENTER);
        await().atMost(10, TimeUnit.SECONDS).until(() -> robot.lookup("#sync-drop-confirm").tryQuery().isEmpty());
        assertThat(new dev.cutover.capture.SyncSlot(pair.oldDb(), pair.plan).info()).as("Enter dropped nothing").isNotNull();
    }

    /** DBA walk, 7: the write card's lines (where writes go, growing when Redis holds a phase) do not move Flip writes…. */
    @Test
    void theFlipsLinesDoNotMoveItsButton(FxRobot robot) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes")
                .equals("Writes go to the old database (no write block on either side)")
                && text(robot, "#sync-forward-state").startsWith("Not running — no slot"));
        // measured once the stream card above has its first reading laid out (its lines, not the flip's, may change before)
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.Node flip = robot.lookup("#sync-flip").query();
        javafx.geometry.Bounds before = flip.localToScene(flip.getLayoutBounds());
        dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(TestRedis.sharedUrl());
        dev.cutover.control.ControlStore store = new dev.cutover.control.ControlStore(link, pair.migration);
        try {
            new dev.cutover.control.ControlPlane(store, dev.cutover.control.GuardSettings.defaults()).movePhase(
                    dev.cutover.control.ControlState.initial(), dev.cutover.control.Phase.TRAFFIC_SHIFT,
                    new dev.cutover.control.Actor("tester", "test-host"), "test setup", true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes").startsWith("Redis holds"));
            org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
            assertThat(flip.localToScene(flip.getLayoutBounds())).as("Flip writes… where it was").isEqualTo(before);
        } finally {
            var k = store.keys();
            link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                    k.audit(), k.key("changed_at"), k.key("created_at"), k.routingKeys());
            link.close();
        }
    }

    /**
     * Issue 15: in cleanup (write target new_only in Redis) the write card says what Redis holds and
     * what the databases hold, not "writes go to the old database" from the absence of a write block.
     */
    @Test
    void theWriteCardSaysWhatRedisAndTheDatabasesHoldInCleanup(FxRobot robot) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes")
                .equals("Writes go to the old database (no write block on either side)"));
        dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(TestRedis.sharedUrl());
        dev.cutover.control.ControlStore store = new dev.cutover.control.ControlStore(link, pair.migration);
        try {
            new dev.cutover.control.ControlPlane(store, dev.cutover.control.GuardSettings.defaults()).movePhase(
                    dev.cutover.control.ControlState.initial(), dev.cutover.control.Phase.CLEANUP,
                    new dev.cutover.control.Actor("tester", "test-host"), "test setup", true);
            assertThat(link.sync().get(store.keys().writeTarget())).isEqualTo("new_only");
            await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes").startsWith("Redis holds"));
            assertThat(text(robot, "#sync-flip-writes")).isEqualTo("Redis holds phase cleanup, write target new_only: the routers write to"
                    + " the new database only; the old one is no longer written.\nNo write block on either database: an application"
                    + " without the router writes to the one it connects to.");
        } finally {
            var k = store.keys();
            link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                    k.audit(), k.key("changed_at"), k.key("created_at"), k.routingKeys());
            link.close();
        }
    }

    @Test
    void startIsDisabledWithTheReasonWhileAnotherProcessStreamsFromTheSlot(FxRobot robot) {
        other = new SyncRun(pair.oldDb(), pair.newDb(), pair.plan, SyncRun.Settings.forward(TestRedis.sharedUrl()));
        other.start(null, r -> { }, e -> { });
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Running in another process"));
        // the lines and the buttons are set in one pass on the FX thread: read them after it
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#sync-forward-start").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(text(robot, "#sync-forward-why")).startsWith("Start: Another process streams from slot ");
        assertThat(robot.lookup("#sync-forward-drop").queryAs(Button.class).isDisabled()).isTrue();
    }
}
