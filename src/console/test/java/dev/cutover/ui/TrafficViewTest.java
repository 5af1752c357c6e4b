package dev.cutover.ui;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Actor;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.traffic.TrafficView;
import dev.cutover.ui.traffic.TrafficViewModel;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Traffic & phase screen against the real control plane in the shared Redis (a unique migration per test). */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class TrafficViewTest {
    private final String migration = TestRedis.uniqueMigration("traffic");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final RedisLink link = RedisLink.open(TestRedis.sharedUrl());
    private final ControlStore store = new ControlStore(link, migration);
    private final Actor tester = new Actor("tester", "test-host");
    private Session session;
    private TrafficViewModel vm;
    private Scene scene;
    private final javafx.beans.property.ObjectProperty<dev.cutover.plan.Plan> plan = new javafx.beans.property.SimpleObjectProperty<>();

    @Start
    void start(Stage stage) {
        session = new Session();
        vm = new TrafficViewModel(session, tasks, tester, plan);
        scene = new Scene(new TrafficView(vm), 1100, 700);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        var k = store.keys();
        link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                k.audit(), k.key("changed_at"), k.key("created_at"), k.routingKeys(), k.backfill());
        link.close();
    }

    private void setUp(FxRobot robot, Phase phase) throws Exception {
        new ControlPlane(store, GuardSettings.defaults()).movePhase(ControlState.initial(), phase, tester, "test setup", true);
        robot.interact(() -> {
            session.redisUrl().set(TestRedis.sharedUrl());
            session.migration().set(migration);
        });
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.state().get() != null && vm.state().get().phase() == phase);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void movingTheSliderAfterConfirmationChangesReadPercentInRedis(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        assertThat(link.sync().get(store.keys().readPercent())).isEqualTo("0");

        robot.clickOn("#read-slider .thumb").type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        String text = robot.lookup("#shift-confirm .content").queryAs(Label.class).getText();
        assertThat(text).startsWith("Reads on the new database: 0 % → 1 %.\nAbout 1 % of routing keys (tenants) move"
                + " from the old database to the new one").contains("No router has reported the routing keys it serves in the last 15 min");
        robot.clickOn(button(robot, "Shift reads to 1 %"));

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "1".equals(link.sync().get(store.keys().readPercent())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 1);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 2);
        assertThat(vm.audit().get(0).to()).isEqualTo("1");
        assertThat(vm.audit().get(0).who()).isEqualTo("tester@test-host");
    }

    @Test
    void aGuardedStepIsRefusedWithItsReasonOverrideNeedsATypedConfirmationAndRollbackIsOneClick(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        assertThat(robot.lookup("#phase-advance").queryAs(Button.class).getText()).isEqualTo("Advance to dual_write ▶");
        assertThat(vm.exitChecks()).anyMatch(g -> !g.ok());

        move(robot, "#phase-advance", "Move to dual_write");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.refusal().get().isEmpty());
        assertThat(robot.lookup("#phase-refusal").queryAs(Label.class).getText())
                .startsWith("migration " + migration + ": cannot move from backfill to dual_write: ");
        assertThat(link.sync().get(store.keys().phase())).isEqualTo("backfill");
        assertThat(robot.lookup("#phase-override").queryAs(Button.class).isVisible()).isTrue();

        // override: type the phase name and a reason; both reach the audit log
        robot.clickOn("#phase-override");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-typed").tryQuery().isPresent());
        Button go = (Button) button(robot, "Override and move");
        robot.clickOn("#override-typed").write("dual_wr");
        assertThat(go.isDisabled()).isTrue();
        robot.write("ite");
        robot.clickOn("#override-why").write("ok");
        assertThat(go.isDisabled()).isFalse();
        robot.clickOn(go);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "dual_write".equals(link.sync().get(store.keys().phase())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 2);
        assertThat(vm.audit().get(0).override()).isTrue();
        assertThat(vm.audit().get(0).why()).isEqualTo("ok");

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get() && vm.state().get().phase() == Phase.DUAL_WRITE);
        move(robot, "#phase-rollback", "Roll back to backfill");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "backfill".equals(link.sync().get(store.keys().phase())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 3);
        assertThat(vm.state().get().phase()).isEqualTo(Phase.BACKFILL);
        assertThat(vm.audit().get(0).why()).isEqualTo("rollback from the console");
        assertThat(vm.audit().get(0).from()).isEqualTo("dual_write");
    }

    @Test
    void aMoveThatChangesTheWriteTargetWaitsForTheRoutersAndSaysWhoIsBehind(FxRobot robot) throws Exception {
        setUp(robot, Phase.DUAL_WRITE);
        long before = vm.state().get().version();
        String router = store.keys().router("app-1");
        heartbeat(router, before); // a live router on the current version
        try {
            // roll back dual_write → backfill: the write target goes back to old_only, as `cutover phase` the console waits
            move(robot, "#phase-rollback", "Roll back to backfill");
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "backfill".equals(link.sync().get(store.keys().phase())));
            long after = Long.parseLong(link.sync().get(store.keys().version()));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.flip().get().contains("not acknowledged by app-1"));
            Label flip = robot.lookup("#phase-flip").queryAs(Label.class);
            assertThat(flip.getText()).startsWith("Waiting up to 30 s for every live router to acknowledge version " + after
                    + " (write target old_only): ");
            assertThat(flip.isVisible()).isTrue();
            assertThat(vm.flipPending().get()).isTrue();
            // the screen is not frozen while it waits: the state moved, roll back is offered again
            assertThat(robot.lookup("#phase-rollback").queryAs(Button.class).isDisabled()).isFalse();

            heartbeat(router, after); // the router applied the new version with nothing in flight
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.flipPending().get());
            assertThat(vm.flip().get()).startsWith("Flip complete: version " + after + " (write target old_only) acknowledged by all 1 live router");
            assertThat(robot.lookup("#phase-flip").queryAs(Label.class).getText()).isEqualTo(vm.flip().get());
        } finally {
            link.sync().del(router);
        }
    }

    private void heartbeat(String key, long acked) {
        link.sync().hset(key, java.util.Map.of(dev.cutover.control.ControlKeys.Heartbeat.VERSION, Long.toString(acked),
                dev.cutover.control.ControlKeys.Heartbeat.ACKED_VERSION, Long.toString(acked),
                dev.cutover.control.ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis()),
                dev.cutover.control.ControlKeys.Heartbeat.PHASE, "dual_write"));
    }

    @Test
    void theConfirmationCountsTheRoutingKeysRoutersReportedThatTheMoveShifts(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        String salt = store.read().routingSalt();
        assertThat(salt).isNotEmpty();
        // what routers report (route.SeenKeys): 500 tenants, each with its sticky bucket under the salt
        long now = System.currentTimeMillis();
        java.util.List<String> members = new java.util.ArrayList<>();
        int under1 = 0;
        for (int t = 1; t <= 500; t++) {
            int bucket = dev.cutover.route.StickySplit.bucket(salt, Integer.toString(t));
            members.add(dev.cutover.control.SeenRoutingKeys.member(salt, bucket, Integer.toString(t)));
            under1 += dev.cutover.route.StickySplit.readsNew(salt, Integer.toString(t), 1) ? 1 : 0;
        }
        dev.cutover.control.SeenRoutingKeys.write(link.sync(), store.keys(), members.subList(0, 480), now);
        // 20 more were last seen 40 minutes ago: outside the window, not counted
        dev.cutover.control.SeenRoutingKeys.write(link.sync(), store.keys(), members.subList(480, 500), now - 40 * 60_000);
        int expected = 0;
        for (int t = 1; t <= 480; t++) {
            expected += dev.cutover.route.StickySplit.readsNew(salt, Integer.toString(t), 1) ? 1 : 0;
        }
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.seenKeys().get() != null && vm.seenKeys().get().count() == 480);

        robot.clickOn("#read-slider .thumb").type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        String text = robot.lookup("#shift-confirm .content").queryAs(Label.class).getText();
        assertThat(text).startsWith("Reads on the new database: 0 % → 1 %.\nMoves " + expected + " of 480 routing keys (tenants)"
                + " seen by routers in the last 15 min (" + String.format(java.util.Locale.ROOT, "%.1f", expected * 100.0 / 480)
                + " %) from the old database to the new one");
        assertThat(under1).isGreaterThanOrEqualTo(expected);
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(link.sync().get(store.keys().readPercent())).isEqualTo("0");
    }

    @Test
    void aLongAuditReasonIsShownWholeWrappedAtTheListWidth(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        String why = "the shadow mismatch rate stayed at 0.02 % for three days on every tenant of the EU shard, the two "
                + "remaining differences are the known rounding of legacy invoices, and the business signed off the rollout "
                + "plan in the change meeting of Tuesday (ticket OPS-4711)";
        new ControlPlane(store, GuardSettings.defaults()).movePhase(store.read(), Phase.NEW_PRIMARY, tester, why, true);
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 2);
        WaitForAsyncUtils.waitForFxEvents();

        javafx.scene.control.ListView<?> log = robot.lookup("#audit-log").queryAs(javafx.scene.control.ListView.class);
        javafx.scene.control.ListCell<?> cell = robot.from(log).lookup((Node n) -> n instanceof javafx.scene.control.ListCell<?> c
                && c.getText() != null && c.getText().contains("OPS-4711")).query();
        assertThat(cell.getText()).contains("— " + why + "\nOverrode: ");
        javafx.scene.text.Text shown = (javafx.scene.text.Text) cell.lookup(".text");
        assertThat(shown.getText()).as("the whole line, not cut with …").isEqualTo(cell.getText());
        assertThat(shown.getBoundsInParent().getMaxX()).as("inside the cell").isLessThanOrEqualTo(cell.getWidth());
        assertThat(cell.getWidth()).as("no wider than the list").isLessThanOrEqualTo(log.getWidth());
        assertThat(cell.getHeight()).as("wrapped onto more lines than its two").isGreaterThan(3 * shown.getFont().getSize() * 1.2);
        assertThat(robot.from(log).lookup(".scroll-bar").queryAllAs(javafx.scene.control.ScrollBar.class))
                .filteredOn(b -> b.getOrientation() == javafx.geometry.Orientation.HORIZONTAL)
                .allSatisfy(b -> assertThat(b.isVisible()).as("no horizontal scrollbar").isFalse());
    }

    @Test
    void theFilledButtonsReadWellInBothThemes(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        Button back = robot.lookup("#phase-rollback").queryButton();
        Button forward = robot.lookup("#phase-advance").queryButton();
        assertThat(back.isDisabled() || forward.isDisabled()).isFalse();
        for (boolean dark : new boolean[] {false, true}) {
            robot.interact(() -> Theme.apply(scene, dark));
            WaitForAsyncUtils.waitForFxEvents();
            for (Button b : java.util.List.of(back, forward)) {
                assertThat(Contrast.lowest(b.getTextFill(), b)).as("%s, dark %s", b.getText(), dark).isGreaterThanOrEqualTo(4.5);
            }
        }
    }

    private void readsAt(int... steps) {
        ControlPlane cp = new ControlPlane(store, GuardSettings.defaults());
        for (int p : steps) {
            cp.setReadPercent(store.read(), p, tester, "test setup", false);
        }
    }

    private int sliderPercent(FxRobot robot) {
        javafx.scene.control.Slider slider = robot.lookup("#read-slider").queryAs(javafx.scene.control.Slider.class);
        return dev.cutover.control.TrafficSteps.STEPS[(int) Math.round(slider.getValue())];
    }

    /** Issue 15, 1 and 2: Override… beside a refused traffic jump overrides that step, never the phase; the slider shows Redis. */
    @Test
    void anOverrideBesideARefusedTrafficJumpOverridesTheStepAndTheSliderShowsWhatRedisHolds(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        readsAt(1, 5);
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 5);
        WaitForAsyncUtils.waitForFxEvents();

        robot.clickOn("#read-slider .thumb").type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 100 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(link.sync().get(store.keys().readPercent())).isEqualTo("5");
        assertThat(robot.lookup("#phase-refusal").queryAs(Label.class).getText())
                .contains("from 5% the next step up is 25%, not 100%").doesNotContain("--override");
        assertThat(sliderPercent(robot)).as("the knob shows what Redis holds, not where it was dropped").isEqualTo(5);
        assertThat(robot.lookup("#traffic-reads").queryAs(Label.class).getText()).isEqualTo("5 %");
        Button override = robot.lookup("#phase-override").queryButton();
        assertThat(override.getText()).isEqualTo("Override: set reads to 100 %…");

        robot.clickOn(override);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-typed").tryQuery().isPresent());
        assertThat(robot.lookup("#override-dialog .header-panel .label").queryAs(Label.class).getText())
                .isEqualTo("Set reads on the new database to 100 % although that step is refused?");
        robot.clickOn("#override-typed").write("100 %");
        robot.clickOn("#override-why").write("load test of the new side");
        robot.clickOn(button(robot, "Override and shift"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "100".equals(link.sync().get(store.keys().readPercent())));
        assertThat(link.sync().get(store.keys().phase())).as("the phase did not move").isEqualTo("traffic_shift");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 4);
        assertThat(vm.audit().get(0).action()).isEqualTo("traffic");
        assertThat(vm.audit().get(0).override()).isTrue();
        assertThat(vm.audit().get(0).why()).isEqualTo("load test of the new side");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> sliderPercent(robot) == 100);
    }

    /** Issue 15, 2: a change made elsewhere (the command line, another console, the watchdog) moves the controls. */
    @Test
    void aChangeMadeElsewhereMovesTheSliderAndLabels(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        readsAt(1, 5);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> sliderPercent(robot) == 5);
        new ControlPlane(store, GuardSettings.defaults()).rampDown(store.read(), 1, "watchdog test");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> sliderPercent(robot) == 1
                && "1 %".equals(robot.lookup("#traffic-reads").queryAs(Label.class).getText()));
        new ControlPlane(store, GuardSettings.defaults()).movePhase(store.read(), Phase.SHADOW_READ, tester, "rollback elsewhere", false);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#read-slider").query().isDisabled()
                && robot.lookup("#phase-advance").queryButton().getText().equals("Advance to traffic_shift ▶"));
    }

    /** Issue 15, 3: one drag, one confirmation, however the knob settles on its tick after the drop. */
    @Test
    void oneDragAsksOnce(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        readsAt(1);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> sliderPercent(robot) == 1);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        robot.interact(() -> javafx.stage.Window.getWindows().addListener((javafx.collections.ListChangeListener<javafx.stage.Window>) c -> {
            while (c.next()) {
                for (javafx.stage.Window w : c.getAddedSubList()) {
                    if (w.getScene() != null && w.getScene().lookup("#shift-confirm") != null) {
                        asked.incrementAndGet();
                    }
                }
            }
        }));
        javafx.scene.control.Slider slider = robot.lookup("#read-slider").queryAs(javafx.scene.control.Slider.class);
        // what the slider's skin does when a drag ends a little past the 5 % tick (SliderBehavior.thumbReleased):
        // the drag stops (valueChanging false), then the value snaps to the tick, a second value change
        javafx.application.Platform.runLater(() -> {
            slider.setValueChanging(true);
            slider.setValue(2.3);
            slider.setValueChanging(false);
            slider.adjustValue(2.3);
        });
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 5 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "5".equals(link.sync().get(store.keys().readPercent())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 5 && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shift-confirm").tryQuery()).as("no second dialog").isEmpty();
        assertThat(asked.get()).isEqualTo(1);
        // the state is shown the moment the change is written; its audit entry comes with the refresh that follows
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().stream().filter(a -> a.action().equals("traffic")).count() >= 2);
        assertThat(vm.audit().stream().filter(a -> a.action().equals("traffic")).count()).isEqualTo(2);
    }

    /** Issue 15, 4: the override dialog shows each failing guard once, whole, then the reason and the typed confirmation. */
    @Test
    void theOverrideDialogShowsEachFailingGuardOnceWhole(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        robot.interact(vm::advance); // as the confirmed Advance does
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        java.util.List<dev.cutover.control.GuardCheck> failing = vm.refused().get().failed();
        assertThat(failing).isNotEmpty();
        robot.clickOn("#phase-override");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-reasons").tryQuery().isPresent());
        javafx.scene.control.TextArea reasons = robot.lookup("#override-reasons").queryAs(javafx.scene.control.TextArea.class);
        String dialog = dialogText(robot, "#override-dialog");
        for (dev.cutover.control.GuardCheck g : failing) {
            assertThat(occurrences(dialog, g.name() + ": " + g.detail())).as("%s in the dialog:%n%s", g, dialog).isEqualTo(1);
            assertThat(reasons.getText()).contains(g.toString());
        }
        assertThat(dialog).doesNotContain("Override… asks").doesNotContain("--override");
        assertThat(reasons.isWrapText()).isTrue();
        assertThat(reasons.isEditable()).isFalse();
        // the reasons, then the reason field, then the typed confirmation
        Node why = robot.lookup("#override-why").query();
        Node typed = robot.lookup("#override-typed").query();
        assertThat(reasons.localToScene(0, 0).getY()).isLessThan(why.localToScene(0, 0).getY());
        assertThat(why.localToScene(0, 0).getY()).isLessThan(typed.localToScene(0, 0).getY());
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(link.sync().get(store.keys().phase())).isEqualTo("backfill");
    }

    /** Issue 15, 4: a refused traffic step (no guard list) is said once in its override dialog too. */
    @Test
    void theOverrideDialogOfARefusedStepSaysTheRefusalOnce(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        robot.clickOn("#read-slider .thumb").type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 100 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#phase-override");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-reasons").tryQuery().isPresent());
        String dialog = dialogText(robot, "#override-dialog");
        assertThat(occurrences(dialog, "from 0% the next step up is 1%, not 100%")).as(dialog).isEqualTo(1);
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Every text a dialog shows: its header, labels, buttons and text fields. */
    private static String dialogText(FxRobot robot, String pane) {
        javafx.scene.control.DialogPane p = robot.lookup(pane).queryAs(javafx.scene.control.DialogPane.class);
        StringBuilder b = new StringBuilder(p.getHeaderText() == null ? "" : p.getHeaderText());
        for (Node n : robot.from(p).lookup((Node n) -> n instanceof javafx.scene.control.Labeled
                || n instanceof javafx.scene.control.TextInputControl).queryAll()) {
            String t = n instanceof javafx.scene.control.Labeled l ? l.getText() : ((javafx.scene.control.TextInputControl) n).getText();
            b.append('\n').append(t == null ? "" : t);
        }
        return b.toString();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Issue 15, 2: cleanup asks first, saying what it does, with Cancel the default; so does every phase move. */
    @Test
    void everyPhaseMoveAsksOnceAndCleanupSaysItDropsTheSlotsAndEndsDualWriting(FxRobot robot) throws Exception {
        setUp(robot, Phase.NEW_PRIMARY);
        long before = vm.state().get().version();
        robot.clickOn("#phase-advance");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        javafx.scene.control.DialogPane pane = robot.lookup("#phase-confirm").queryAs(javafx.scene.control.DialogPane.class);
        assertThat(pane.getHeaderText()).isEqualTo("Move from new_primary to cleanup?");
        String what = robot.lookup("#phase-confirm-what").queryAs(Label.class).getText();
        assertThat(what).startsWith("Phase: new_primary → cleanup.\nWrite target: new_primary → new_only:")
                .contains("the routers stop dual writing and the old database is no longer written")
                .contains("From then on the old database falls behind: a rollback after cleanup finds it missing every write made since.")
                .contains("idle replication slots and publications")
                .contains("are dropped");
        Button move = (Button) button(robot, "Move to cleanup");
        Button cancel = (Button) button(robot, "Cancel");
        assertThat(cancel.isDefaultButton()).as("Cancel is the default").isTrue();
        assertThat(move.isDefaultButton()).isFalse();
        robot.type(KeyCode.ENTER); // Enter is Cancel
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(link.sync().get(store.keys().phase())).isEqualTo("new_primary");
        assertThat(store.read().version()).isEqualTo(before);

        move(robot, "#phase-advance", "Move to cleanup");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "cleanup".equals(link.sync().get(store.keys().phase())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get() && vm.state().get().phase() == Phase.CLEANUP);
        // no database or plan here: the message says the slots were not checked, rather than that they were dropped
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> words(vm.message().get()).startsWith("Moved from new_primary to cleanup; sync slots not checked"));

        // a rollback asks too, and Cancel leaves the phase
        robot.clickOn("#phase-rollback");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#phase-confirm").queryAs(javafx.scene.control.DialogPane.class).getHeaderText())
                .isEqualTo("Roll back from cleanup to new_primary?");
        assertThat(robot.lookup("#phase-confirm-what").queryAs(Label.class).getText())
                .startsWith("Phase: cleanup → new_primary.\nWrite target: new_only → new_primary:")
                .contains("\nThe old database has not been written since cleanup: it misses every write made since. Verify (reverse:")
                .endsWith("Moving back is always allowed.");
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(link.sync().get(store.keys().phase())).isEqualTo("cleanup");
    }

    /** Issue 15, 2: the move to cleanup drops the plan's idle sync slot and publication, as its confirmation said. */
    @Test
    void theMoveToCleanupDropsTheIdleSyncSlotAsItsConfirmationSays(FxRobot robot) throws Exception {
        try (dev.cutover.testing.TestDb old = dev.cutover.testing.TestDb.createOld("traffic_cleanup_old")
                .exec("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)");
             dev.cutover.testing.TestDb neu = dev.cutover.testing.TestDb.createNew("traffic_cleanup_new")
                     .exec("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)")) {
            dev.cutover.plan.Plan p = dev.cutover.plan.PlanFile.parse("""
                    {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "orders"},
                      "target": {"schema": "public", "table": "orders"}, "key": ["id"],
                      "columns": [{"target": "id", "expr": "id"}, {"target": "total", "expr": "total"}]}]}
                    """.formatted(migration), "plan.json");
            dev.cutover.pg.Db oldDb = new dev.cutover.pg.Db("old database", old.url());
            dev.cutover.pg.Db newDb = new dev.cutover.pg.Db("new database", neu.url());
            dev.cutover.capture.SyncSlot slot = new dev.cutover.capture.SyncSlot(oldDb, p);
            slot.ensure(); // a forward stream that ran and stopped: its slot keeps WAL
            try {
                assertThat(slot.info()).isNotNull();
                robot.interact(() -> {
                    session.oldDb().set(oldDb);
                    session.newDb().set(newDb);
                    plan.set(p);
                });
                setUp(robot, Phase.NEW_PRIMARY);
                robot.clickOn("#phase-advance");
                WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
                assertThat(robot.lookup("#phase-confirm-what").queryAs(Label.class).getText())
                        .contains("idle replication slots and publications").doesNotContain("Not checked here");
                robot.clickOn(button(robot, "Move to cleanup"));
                WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> vm.message().get().contains("; cleanup: "));
                assertThat(words(vm.message().get())).isEqualTo("Moved from new_primary to cleanup; cleanup: replication slot " + slot.slot()
                        + " dropped, publication dropped");
                assertThat(slot.info()).as("the slot is gone").isNull();
                assertThat(link.sync().get(store.keys().phase())).isEqualTo("cleanup");
            } finally {
                try {
                    slot.drop();
                } catch (RuntimeException ignored) {
                    // dropped by the test
                }
            }
        }
    }

    /**
     * Issue 15, 1: after a confirmed traffic shift the keyboard focus is back on the slider and the
     * window's scroll pane has not moved (the busy slider used to hand the focus to the sample rate
     * field, and the scroll pane scrolled there).
     */
    @Test
    void afterAShiftTheFocusIsBackOnTheSliderAndTheScreenDoesNotScroll(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        javafx.scene.control.ScrollPane sp = new javafx.scene.control.ScrollPane();
        Stage own = org.testfx.util.WaitForAsyncUtils.asyncFx((java.util.concurrent.Callable<Stage>) Stage::new).get(5, TimeUnit.SECONDS);
        robot.interact(() -> {
            // as the window shows a screen (MainWindow): in a scroll pane, here in a window short enough to scroll
            javafx.scene.Parent view = scene.getRoot();
            scene.setRoot(new javafx.scene.layout.Pane());
            sp.setContent(view);
            sp.setFitToWidth(true);
            sp.setFitToHeight(true);
            Scene short_ = new Scene(sp, 1100, 150);
            Theme.apply(short_, false);
            own.setScene(short_);
            own.show();
        });
        try {
            shiftKeepsFocusAndScroll(robot, sp, own.getScene());
        } finally {
            robot.interact(own::close);
        }
    }

    private void shiftKeepsFocusAndScroll(FxRobot robot, javafx.scene.control.ScrollPane sp, Scene scene) throws Exception {
        javafx.scene.control.Slider slider = robot.lookup("#read-slider").queryAs(javafx.scene.control.Slider.class);
        Node rate = robot.lookup("#sample-rate-field").query();
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            // the slider at the top of the viewport
            sp.layout();
            double contentH = sp.getContent().getLayoutBounds().getHeight();
            double viewH = sp.getViewportBounds().getHeight();
            double top = sp.getContent().sceneToLocal(slider.localToScene(slider.getLayoutBounds())).getMinY() - 4;
            sp.setVvalue(Math.max(0, Math.min(1, top / (contentH - viewH))));
            sp.layout();
        });
        WaitForAsyncUtils.waitForFxEvents();
        double vvalue = sp.getVvalue();
        javafx.geometry.Bounds viewport = sp.localToScene(sp.getLayoutBounds());
        assertThat(rate.localToScene(rate.getLayoutBounds()).getMinY()).as("the sample rate field is below the viewport")
                .isGreaterThan(viewport.getMaxY());

        robot.clickOn("#read-slider .thumb").type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, "Shift reads to 1 %"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "1".equals(link.sync().get(store.keys().readPercent())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 1 && !vm.busy().get());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 2);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(sp.getVvalue()).as("the screen did not scroll").isEqualTo(vvalue);
        assertThat(scene.getFocusOwner()).as("the focus is back on the slider").isSameAs(slider);
    }

    @Test
    void theSampleRateIsSetHereAuditedAndTheScreenSaysWhetherTheGuardsWindowFills(FxRobot robot) throws Exception {
        // the routers served 1,200 reads in the last minute (20 reads/s), as their metrics say
        long second = System.currentTimeMillis() / 1000 - 5;
        try (dev.cutover.control.MetricsWriter w = new dev.cutover.control.MetricsWriter(link, store.keys(),
                java.time.Duration.ofMinutes(10), () -> second * 1000 + 500, false)) {
            for (int i = 0; i < 1200; i++) {
                w.read(false, 1_000, false);
            }
            assertThat(w.flush()).isTrue();
        }
        try {
            setUp(robot, Phase.SHADOW_READ);
            robot.clickOn("#sample-rate-field").eraseText(10).write("2");
            robot.clickOn("#sample-rate-set");
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "0.02".equals(link.sync().get(store.keys().shadowSampleRate())));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.audit().size() == 2);
            assertThat(vm.audit().get(0).action()).isEqualTo("sample_rate");
            assertThat(vm.audit().get(0).why()).isEqualTo("shadow sample rate 1 % → 2 % from the console");
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#sample-advice").queryAs(Label.class).getText()
                    .startsWith("At 20 reads/s and 2 %"));
            assertThat(robot.lookup("#sample-advice").queryAs(Label.class).getText())
                    .isEqualTo("At 20 reads/s and 2 %, the 10-minute window compares ~240 reads (1,000 would take ~42 min);"
                            + " the guard needs 1,000: set 10 % to reach it.");

            robot.clickOn(button(robot, "Use 10 %"));
            robot.clickOn("#sample-rate-set");
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "0.1".equals(link.sync().get(store.keys().shadowSampleRate())));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#sample-advice").queryAs(Label.class).getText()
                    .equals("At 20 reads/s and 10 %, the 10-minute window compares ~1,200 reads; the guard needs 1,000 over shadow reads that"
                            + " cover its window: met ~9 min after they start."));

            // a value outside 0..100 % is one line right under the field and changes nothing; the field shows Redis's value again
            robot.clickOn("#sample-rate-field").eraseText(10).write("150");
            robot.clickOn("#sample-rate-set");
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !vm.sampleError().get().isEmpty());
            WaitForAsyncUtils.waitForFxEvents();
            Node error = robot.lookup("#sample-rate-error").query();
            assertThat(error.isVisible()).isTrue();
            assertThat(robot.lookup("#sample-rate-error .label").queryAs(Label.class).getText())
                    .isEqualTo("\"150\" is not 0–100 %: nothing changed, Redis holds 10 %");
            assertThat(robot.lookup("#sample-rate-error .label").queryAs(Label.class).getStyleClass()).contains("error-text");
            Node field = robot.lookup("#sample-rate-field").query();
            assertThat(error.localToScene(error.getLayoutBounds()).getMinY() - field.localToScene(field.getLayoutBounds()).getMaxY())
                    .as("right under the field").isBetween(0.0, 12.0);
            assertThat(robot.lookup("#sample-rate-field").queryAs(javafx.scene.control.TextField.class).getText())
                    .as("the field holds what Redis holds, not the refused value").isEqualTo("10");
            assertThat(vm.message().get()).doesNotContain("Sample rate");
            assertThat(link.sync().get(store.keys().shadowSampleRate())).isEqualTo("0.1");
        } finally {
            link.sync().del(store.keys().metricsBucket(second));
        }
    }

    @Test
    void theGuardsAndRefusalsSayWhatToDoInTheConsoleNotOnTheCommandLine(FxRobot robot) throws Exception {
        setUp(robot, Phase.SHADOW_READ);
        assertThat(vm.exitChecks()).anyMatch(g -> g.detail().equals("no verification has run (run one on the Verify screen)"));
        move(robot, "#phase-advance", "Move to traffic_shift");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null);
        String shown = robot.lookup("#phase-refusal").queryAs(Label.class).getText() + "\n"
                + String.join("\n", vm.refused().get().failed().stream().map(Object::toString).toList()) + "\n"
                + String.join("\n", vm.exitChecks().stream().map(Object::toString).toList());
        assertThat(shown).contains("(Override… asks for a reason)").doesNotContain("cutover ").doesNotContain("--");
    }

    /**
     * Issue 15: Redis loses the migration's keys (as FLUSHALL would, here only this migration's in the
     * shared Redis); the screen shows the loss in its words, Restore… says what it will put back, and
     * the control plane's restore (as `cutover phase NAME --override` runs it) puts it back.
     */
    @Test
    void aLostStateIsShownAndRestoreOnTheScreenPutsItBack(FxRobot robot) throws Exception {
        try (dev.cutover.testing.TestDb neu = dev.cutover.testing.TestDb.create("traffic_lost", dev.cutover.testing.TestDb.Server.NEW, "")) {
            dev.cutover.pg.Db newDb = new dev.cutover.pg.Db("new database", neu.url());
            robot.interact(() -> session.newDb().set(newDb)); // the witness of the state lives there
            setUp(robot, Phase.TRAFFIC_SHIFT);
            readsAt(1, 5);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 5);
            ControlState before = store.read();
            assertThat(robot.lookup("#traffic-restore").queryButton().isVisible()).isFalse();

            var keys = link.sync().keys("cutover:{" + migration + "}:*");
            assertThat(keys).isNotEmpty();
            link.sync().del(keys.toArray(String[]::new));
            robot.interact(vm::refresh);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.lost().get().isEmpty() && vm.restorable().get() != null);
            WaitForAsyncUtils.waitForFxEvents();
            Label lost = robot.lookup("#traffic-lost").queryAs(Label.class);
            assertThat(lost.isVisible()).isTrue();
            assertThat(robot.lookup("#phase-advance").queryButton().isDisabled()).as("no move on a lost state").isTrue();
            assertThat(robot.lookup("#phase-rollback").queryButton().isDisabled()).isTrue();
            assertThat(robot.lookup("#step-planning").query().getStyleClass()).as("Redis's empty state is not shown as the phase")
                    .doesNotContain("current");
            assertThat(lost.getText()).contains("holds no control state for migration " + migration)
                    .endsWith("Restore… puts it back (it says what first and asks for a reason)").doesNotContain("cutover phase");

            robot.clickOn("#traffic-restore");
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#restore-what").tryQuery().isPresent());
            assertThat(robot.lookup("#restore-what").queryAs(Label.class).getText())
                    .contains("phase traffic_shift, write target dual_write")
                    .contains("reads on the new database 5 %")
                    .contains("routing salt kept");
            robot.clickOn("#restore-why").eraseText(40).write("Redis flushed by mistake");
            Button go = (Button) button(robot, "Restore at traffic_shift");
            assertThat(go.isMnemonicParsing()).as("the phase's underscore is shown, not taken for a mnemonic").isFalse();
            robot.clickOn(go);

            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "traffic_shift".equals(link.sync().get(store.keys().phase())));
            ControlState after = store.read();
            assertThat(after.readPercent()).isEqualTo(5);
            assertThat(after.routingSalt()).isEqualTo(before.routingSalt());
            assertThat(after.shadowSampleRate()).isEqualTo(before.shadowSampleRate());
            assertThat(after.version()).isGreaterThan(before.version());
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.lost().get().isEmpty() && !vm.busy().get()
                    && vm.state().get().version() == after.version());
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(robot.lookup("#traffic-lost").queryAs(Label.class).isVisible()).isFalse();
            assertThat(robot.lookup("#traffic-reads").queryAs(Label.class).getText()).isEqualTo("5 %");
            assertThat(sliderPercent(robot)).isEqualTo(5);
            assertThat(words(vm.message().get())).isEqualTo("Restored the control state at phase traffic_shift");
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.audit().isEmpty() && vm.audit().get(0).action().equals("restore"));
            assertThat(vm.audit().get(0).why()).isEqualTo("Redis flushed by mistake");
            assertThat(vm.audit().get(0).who()).isEqualTo("tester@test-host");
        }
    }

    /** An action's message without the time it starts with ("20:42:05 UTC · Moved from …" → "Moved from …"). */
    private static String words(String message) {
        assertThat(message).as("an action's message starts with its time").matches("(?s)\\d\\d:\\d\\d:\\d\\d UTC · .*");
        return message.substring(message.indexOf(" · ") + 3);
    }

    /** What the screen showed at one moment: the current step, the exit conditions' title and list, the buttons. */
    private record Shown(String step, String exitTitle, String checks, String forward, String back) {
    }

    private Shown shown(FxRobot robot) {
        Node current = robot.lookup(".phase-step").queryAll().stream().filter(n -> n.getStyleClass().contains("current"))
                .findFirst().orElse(null);
        javafx.scene.layout.VBox checks = robot.lookup("#exit-checks").queryAs(javafx.scene.layout.VBox.class);
        StringBuilder listed = new StringBuilder();
        for (Node n : robot.from(checks).lookup(".label").queryAll()) {
            listed.append(((Label) n).getText()).append('\n');
        }
        return new Shown(current == null ? null : current.getId(), robot.lookup("#exit-title").queryAs(Label.class).getText(),
                listed.toString(), robot.lookup("#phase-advance").queryButton().getText(), robot.lookup("#phase-rollback").queryButton().getText());
    }

    /**
     * Issue 15 (walk at 1024x700), 1: the moment the screen says a move was made, the stepper, the exit
     * conditions' title and the buttons show the new phase (they used to wait 2-5 s for the next read),
     * and no exit condition of the phase left is listed under the new one.
     */
    @Test
    void theMomentAMoveIsSaidTheWholeScreenShowsTheNewPhase(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        assertThat(shown(robot).exitTitle()).isEqualTo("To leave backfill");
        assertThat(shown(robot).checks()).contains("backfill complete");
        java.util.List<Shown> atMessage = new java.util.concurrent.CopyOnWriteArrayList<>();
        robot.interact(() -> vm.message().addListener((o, a, b) -> {
            if (b.contains("Moved from")) {
                atMessage.add(shown(robot));
            }
        }));
        move(robot, "#phase-rollback", "Roll back to planning");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !atMessage.isEmpty());
        Shown then = atMessage.get(0);
        assertThat(then.step()).as("the current step when the message said so").isEqualTo("step-planning");
        assertThat(then.exitTitle()).isEqualTo("To leave planning");
        assertThat(then.forward()).isEqualTo("Advance to backfill ▶");
        assertThat(then.back()).isEqualTo("Roll back");
        assertThat(then.checks()).as("backfill's guard is not listed under planning").doesNotContain("backfill complete");

        // and forward again: the walk's case, planning → backfill
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get());
        atMessage.clear();
        move(robot, "#phase-advance", "Move to backfill");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !atMessage.isEmpty());
        then = atMessage.get(0);
        assertThat(then.step()).isEqualTo("step-backfill");
        assertThat(then.exitTitle()).isEqualTo("To leave backfill");
        assertThat(then.forward()).isEqualTo("Advance to dual_write ▶");
        assertThat(words(vm.message().get())).isEqualTo("Moved from planning to backfill");
        // the read that follows lists backfill's guard again
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> shown(robot).checks().contains("backfill complete"));
    }

    /**
     * Issue 15 (walk), 2: a refusal stays while the state it refused stands (a refresh, coming back to
     * the screen), then goes once Redis holds another state; an action's message says when it was
     * made and gives way to the plain line once the state changed elsewhere.
     */
    @Test
    void aRefusalStaysUntilTheStateChangesAndAMessageSaysWhenItWasMade(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        robot.interact(vm::advance); // as the confirmed Advance does; the backfill guard refuses it
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        assertThat(words(vm.message().get())).isEqualTo("Refused: nothing changed");
        robot.interact(vm::refresh); // as coming back to the screen does
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refreshes().get() > 0 && !vm.busy().get());
        int seen = vm.refreshes().get();
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refreshes().get() > seen);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#phase-refusal").queryAs(Label.class).getText()).contains("cannot move from backfill to dual_write");
        assertThat(robot.lookup("#phase-override").queryButton().isVisible()).isTrue();
        assertThat(words(vm.message().get())).isEqualTo("Refused: nothing changed");

        // the state changes elsewhere (another console sets the sample rate): the refusal spoke of the state before
        ControlState before = store.read();
        new ControlPlane(store, GuardSettings.defaults()).setSampleRate(before, 0.5, tester, "elsewhere");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().version() > before.version());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.refusal().get()).isEmpty();
        assertThat(robot.lookup("#phase-override").queryButton().isVisible()).isFalse();
        assertThat(vm.message().get()).isEqualTo("Migration " + migration + " · state version " + vm.state().get().version());

        // a move of ours: said with its time, and kept while its state stands
        move(robot, "#phase-rollback", "Roll back to planning");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.busy().get() && vm.message().get().contains("Moved from"));
        long ours = vm.state().get().version();
        assertThat(words(vm.message().get())).isEqualTo("Moved from backfill to planning");
        new ControlPlane(store, GuardSettings.defaults()).setSampleRate(store.read(), 0.25, tester, "elsewhere again");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().version() > ours);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.message().get()).isEqualTo("Migration " + migration + " · state version " + vm.state().get().version());
    }

    /**
     * The walk of the whole migration: a refusal stayed up, with its Override…, after every guard it
     * named had come to hold. A refusal of the move out of this phase goes once its failed guards pass.
     */
    @Test
    void aRefusalGoesOnceTheGuardsItNamedHold(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        robot.interact(vm::advance); // the backfill guard refuses it: no backfill has run
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        long version = vm.state().get().version();

        // the backfill completes (as a run publishes it); the state's version stays the same
        link.sync().hset(store.keys().backfill(), java.util.Map.of(ControlKeys.Backfill.STATE, "complete",
                ControlKeys.Backfill.ROWS_DONE, "20500", ControlKeys.Backfill.ROWS_TOTAL, "20500"));
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() == null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.state().get().version()).isEqualTo(version);
        assertThat(vm.refusal().get()).isEmpty();
        assertThat(robot.lookup("#phase-override").queryButton().isVisible()).isFalse();
        assertThat(vm.exitChecks()).allMatch(GuardCheck::ok);
        assertThat(vm.message().get()).isEqualTo("Migration " + migration + " · state version " + version);
    }

    /** Issue 15 (walk), 5: a flip with no router running says so plainly. */
    @Test
    void aFlipWithNoRouterRunningSaysSo(FxRobot robot) throws Exception {
        setUp(robot, Phase.DUAL_WRITE);
        move(robot, "#phase-rollback", "Roll back to backfill");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> "backfill".equals(link.sync().get(store.keys().phase())));
        long after = Long.parseLong(link.sync().get(store.keys().version()));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.flip().get().startsWith("Flip complete"));
        assertThat(vm.flip().get()).isEqualTo("Flip complete: no router is running to acknowledge version " + after
                + " (write target old_only); no failed write from another write target queued");
    }

    /**
     * Issue 15 (walk at 1024x700), 3: every exit condition is laid out whole and, at the top of the
     * screen's scroll, every guard's name is in view; none hides in a small box of its own that
     * scrolls (the verification's long detail used to fill a box of three or four lines).
     */
    @Test
    void everyGuardIsReadableAt1024x700(FxRobot robot) throws Exception {
        // a verification of other databases: its detail names both clusters and the plan hash, the longest a guard says
        link.sync().hset(store.keys().verify(), java.util.Map.of("at", Long.toString(System.currentTimeMillis()), "clean", "true",
                "rows_compared", "20500", "differences", "0", "direction", "forward", "sampled", "false",
                "old_db", new dev.cutover.pg.DbIdentity("7000000000000000001", "shop_old", 16384).wire(),
                "new_db", new dev.cutover.pg.DbIdentity("7000000000000000002", "shop_new", 16385).wire(),
                "plan_hash", "sha256:" + "ab".repeat(32)));
        try {
            setUp(robot, Phase.TRAFFIC_SHIFT);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.exitChecks().size() >= 4);
            javafx.scene.control.ScrollPane sp = new javafx.scene.control.ScrollPane();
            Stage own = WaitForAsyncUtils.asyncFx((java.util.concurrent.Callable<Stage>) Stage::new).get(5, TimeUnit.SECONDS);
            robot.interact(() -> {
                // as MainWindow shows a screen in a 1024x700 window: beside the 200 px sidebar, under the plan's
                // header and over the status bar, in a scroll pane fitted to it
                javafx.scene.Parent view = scene.getRoot();
                scene.setRoot(new javafx.scene.layout.Pane());
                sp.setContent(view);
                sp.setFitToWidth(true);
                sp.setFitToHeight(true);
                javafx.scene.layout.Region side = new javafx.scene.layout.Region();
                side.setMinWidth(201);
                javafx.scene.layout.Region head = new javafx.scene.layout.Region();
                head.setMinHeight(40);
                javafx.scene.layout.Region status = new javafx.scene.layout.Region();
                status.setMinHeight(30);
                javafx.scene.layout.BorderPane window = new javafx.scene.layout.BorderPane(sp, head, null, status, side);
                Scene s1024 = new Scene(window, 1024, 700);
                Theme.apply(s1024, false);
                own.setScene(s1024);
                own.show();
            });
            try {
                WaitForAsyncUtils.waitForFxEvents();
                robot.interact(() -> sp.setVvalue(0));
                WaitForAsyncUtils.waitForFxEvents();
                javafx.geometry.Bounds viewport = sp.localToScene(sp.getLayoutBounds());
                Node box = robot.lookup("#exit-checks").query();
                javafx.geometry.Bounds boxBounds = box.localToScene(box.getLayoutBounds());
                assertThat(vm.exitChecks()).anyMatch(g -> g.detail().length() > 200);
                for (dev.cutover.control.GuardCheck g : vm.exitChecks()) {
                    String said = (g.ok() ? "✓ " : "✗ ") + g.name();
                    java.util.Optional<javafx.scene.control.Labeled> found = robot.from(box).lookup((Node n) -> n instanceof javafx.scene.control.Labeled l
                            && l.isVisible() && l.getText() != null && l.getText().startsWith(said)).tryQueryAs(javafx.scene.control.Labeled.class);
                    assertThat(found).as("%s: laid out in the conditions' box", g.name()).isPresent();
                    javafx.scene.control.Labeled name = found.get();
                    javafx.geometry.Bounds b = name.localToScene(name.getLayoutBounds());
                    assertThat(b.getMinY()).as("%s: in the screen's viewport at the top of its scroll", g.name()).isGreaterThanOrEqualTo(viewport.getMinY());
                    assertThat(b.getMaxY()).as("%s: in the screen's viewport at the top of its scroll", g.name()).isLessThanOrEqualTo(viewport.getMaxY());
                    assertThat(b.getMaxY()).as("%s: inside the conditions' box", g.name()).isLessThanOrEqualTo(boxBounds.getMaxY() + 0.5);
                    javafx.scene.control.Labeled detail = robot.from(box).lookup((Node n) -> n instanceof javafx.scene.control.Labeled l
                            && l.isVisible() && l.getText() != null && l.getText().endsWith(g.detail())).queryAs(javafx.scene.control.Labeled.class);
                    assertThat(detail.getHeight()).as("%s: its detail has every line it needs", g.name())
                            .isGreaterThanOrEqualTo(detail.prefHeight(detail.getWidth()) - 0.5);
                    javafx.scene.text.Text t = (javafx.scene.text.Text) detail.lookup(".text");
                    assertThat(t.getText()).as("%s: not cut with …", g.name()).isEqualTo(detail.getText());
                    javafx.geometry.Bounds d = detail.localToScene(detail.getLayoutBounds());
                    assertThat(d.getMaxY()).as("%s: its detail inside the conditions' box", g.name()).isLessThanOrEqualTo(boxBounds.getMaxY() + 0.5);
                }
                assertThat(WindowSizesTest.overlaps(sp.getContent(), "")).isEmpty();
            } finally {
                robot.interact(own::close);
            }
        } finally {
            link.sync().del(store.keys().verify());
        }
    }

    /** DBA walk, 1: the sample rate field and its advice only where shadow reads are compared; elsewhere a line says why. */
    @Test
    void theSampleRateIsOfferedOnlyInThePhasesWhoseGuardsCompareShadowReads(FxRobot robot) throws Exception {
        setUp(robot, Phase.NEW_PRIMARY);
        Node box = robot.lookup("#sample-rate-box").query();
        assertThat(box.isVisible()).isFalse();
        assertThat(box.isManaged()).as("no blank gap where it was").isFalse();
        assertThat(robot.lookup("#sample-off").queryAs(Label.class).getText())
                .startsWith("Not counted by any guard from new_primary on");
        assertThat(robot.lookup("#sample-off").queryAs(Label.class).isVisible()).isTrue();

        new ControlPlane(store, GuardSettings.defaults()).movePhase(store.read(), Phase.CLEANUP, tester, "test", true);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().phase() == Phase.CLEANUP);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(box.isManaged()).isFalse();
        assertThat(robot.lookup("#sample-off").queryAs(Label.class).getText())
                .isEqualTo("Off in cleanup: the old database is no longer written, so there is nothing to compare reads with.");

        new ControlPlane(store, GuardSettings.defaults()).movePhase(store.read(), Phase.TRAFFIC_SHIFT, tester, "test", false);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().phase() == Phase.TRAFFIC_SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(box.isVisible()).isTrue();
        assertThat(box.isManaged()).isTrue();
        assertThat(robot.lookup("#sample-off").queryAs(Label.class).isManaged()).isFalse();
        assertThat(robot.lookup("#sample-rate-field").queryAs(javafx.scene.control.TextField.class).getText())
                .as("the field shows what Redis holds").isEqualTo("1");
    }

    /**
     * DBA walk, 4 and 6: a shift the dialog itself says will be refused defaults to Cancel (Enter
     * shifts nothing); the override dialog opens with the focus in its reason, Cancel the default
     * until a reason and the target are typed.
     */
    @Test
    void aDialogThatWarnsDefaultsToCancelAndTheOverrideOpensInItsReason(FxRobot robot) throws Exception {
        setUp(robot, Phase.TRAFFIC_SHIFT);
        long before = store.read().version();
        robot.clickOn("#read-slider .thumb").type(KeyCode.END);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#shift-confirm .content").queryAs(Label.class).getText()).contains("The control plane will refuse this");
        Button shift = (Button) button(robot, "Shift reads to 100 %");
        Button cancel = (Button) button(robot, "Cancel");
        assertThat(cancel.isDefaultButton()).as("Cancel is the default of a step said to be refused").isTrue();
        assertThat(shift.isDefaultButton()).isFalse();
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(store.read().version()).as("Enter shifted nothing").isEqualTo(before);
        assertThat(sliderPercent(robot)).isEqualTo(0);

        // an allowed step moves real users' reads too: Enter is Cancel there as well (the walk pressed Enter and shifted)
        robot.clickOn("#read-slider .thumb").type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isPresent());
        assertThat(((Button) button(robot, "Shift reads to 1 %")).isDefaultButton()).isFalse();
        assertThat(((Button) button(robot, "Cancel")).isDefaultButton()).isTrue();
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#shift-confirm").tryQuery().isEmpty());

        // the refused move's override: the reason has the focus, Enter is Cancel until both are typed
        move(robot, "#phase-advance", "Move to new_primary");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.refused().get() != null && !vm.busy().get());
        robot.clickOn("#phase-override");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-why").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        Node why = robot.lookup("#override-why").query();
        assertThat(why.getScene().getFocusOwner()).as("the reason has the focus").isSameAs(why);
        Button go = (Button) button(robot, "Override and move");
        Button cancelOverride = (Button) robot.lookup("#override-dialog .button").match((Node n) -> n instanceof Button b
                && "Cancel".equals(b.getText())).query();
        assertThat(cancelOverride.isDefaultButton()).isTrue();
        assertThat(go.isDefaultButton()).isFalse();
        robot.clickOn(why).write("ramp-up rehearsal").type(KeyCode.TAB);
        assertThat(why.getScene().getFocusOwner()).as("Tab goes on to the confirmation").isSameAs(robot.lookup("#override-typed").query());
        robot.write("new_primary");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#override-why").queryAs(javafx.scene.control.TextArea.class).getText()).isEqualTo("ramp-up rehearsal");
        assertThat(go.isDisabled()).isFalse();
        assertThat(go.isDefaultButton()).as("both typed: Enter is the override confirmed").isTrue();
        assertThat(cancelOverride.isDefaultButton()).isFalse();
        robot.clickOn(cancelOverride);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#override-dialog").tryQuery().isEmpty());
        assertThat(link.sync().get(store.keys().phase())).isEqualTo("traffic_shift");
    }

    /** DBA walk, 8a: the confirmation and the refusal name each failing exit condition, whole, on its own line. */
    @Test
    void aRefusedMoveNamesEachFailingGuardWhole(FxRobot robot) throws Exception {
        setUp(robot, Phase.BACKFILL);
        GuardCheck failing = vm.exitChecks().stream().filter(g -> !g.ok()).findFirst().orElseThrow();
        robot.clickOn("#phase-advance");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        String what = robot.lookup("#phase-confirm-what").queryAs(Label.class).getText();
        assertThat(what).contains("The move will be refused unless this exit condition holds when it runs")
                .contains("\n✗ " + failing.name() + ": " + failing.detail());
        robot.clickOn(button(robot, "Move to dual_write"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !vm.refusal().get().isEmpty());
        assertThat(robot.lookup("#phase-refusal").queryAs(Label.class).getText())
                .isEqualTo("migration " + migration + ": cannot move from backfill to dual_write: this exit condition fails:\n✗ "
                        + failing.name() + ": " + failing.detail() + "\n(Override… asks for a reason)");
    }

    /** DBA walk, 8b and 8c: the move to shadow_read says its sample rate; a rollback says where reads and writes go. */
    @Test
    void theMoveToShadowReadSaysItsSampleRateAndARollbackWhereReadsGo(FxRobot robot) throws Exception {
        setUp(robot, Phase.DUAL_WRITE);
        robot.clickOn("#phase-advance");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#phase-confirm-what").queryAs(Label.class).getText())
                .contains("\nShadow reads: the routers compare 1 % of reads (the sample rate in Redis is 0 %; entering shadow_read sets 1 %)."
                        + " How long the guard's 1,000 comparisons take is not known: no router reported reads in the last 60 s.");
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isEmpty());

        ControlPlane cp = new ControlPlane(store, GuardSettings.defaults());
        cp.movePhase(store.read(), Phase.TRAFFIC_SHIFT, tester, "test", true);
        readsAt(1, 5);
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().readPercent() == 5 && vm.checksOf().get() == Phase.TRAFFIC_SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#phase-rollback");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#phase-confirm-what").queryAs(Label.class).getText()).isEqualTo("Phase: traffic_shift → shadow_read."
                + "\nWrite target stays dual_write: the routers write to the old database, then mirror each write to the new one."
                + "\nReads: every read goes back to the old database (reads on the new database 5 % → 0 %)."
                + "\nMoving back is always allowed.");
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isEmpty());

        cp.movePhase(store.read(), Phase.NEW_PRIMARY, tester, "test", true);
        robot.interact(vm::refresh);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.state().get().phase() == Phase.NEW_PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#phase-rollback");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        assertThat(robot.lookup("#phase-confirm-what").queryAs(Label.class).getText()).startsWith("Phase: new_primary → traffic_shift."
                + "\nWrite target: new_primary → dual_write: the routers write to the old database, then mirror each write to the new one.")
                .contains("\nReads stay on the new database at 100 %: rolling back into traffic_shift keeps them there until you"
                        + " ramp them down with the read-traffic slider.");
        robot.clickOn(button(robot, "Cancel"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isEmpty());
    }

    /** Clicks a phase button and confirms its move with the dialog's button {@code go}. */
    private static void move(FxRobot robot, String query, String go) throws Exception {
        robot.clickOn(query);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#phase-confirm").tryQuery().isPresent());
        robot.clickOn(button(robot, go));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Node button(FxRobot robot, String text) {
        return robot.lookup((Node n) -> n instanceof Button b && text.equals(b.getText())).query();
    }
}
