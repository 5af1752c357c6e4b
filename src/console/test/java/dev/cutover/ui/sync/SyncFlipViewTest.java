package dev.cutover.ui.sync;

import dev.cutover.capture.WriteBlock;
import dev.cutover.control.Actor;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.control.VerifiedPair;
import dev.cutover.control.WriteTarget;
import dev.cutover.pg.DbIdentity;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Elided;
import dev.cutover.ui.Session;
import dev.cutover.ui.Theme;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The write flip on the Change capture screen, between two real databases with Redis: forward sync,
 * flip (the move to new_primary: guarded before anything is blocked, recorded and audited after
 * SWITCH), reverse stream, undo (audited); and a flip a guard refuses, which blocks nothing.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class SyncFlipViewTest {
    private final SyncPairFixture pair = new SyncPairFixture("syncflip");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final RedisLink link = RedisLink.open(TestRedis.sharedUrl());
    private final ControlStore store = new ControlStore(link, pair.migration);
    private SyncViewModel vm;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Session session = new Session();
        session.oldDb().set(pair.oldDb());
        session.newDb().set(pair.newDb());
        session.redisUrl().set(TestRedis.sharedUrl());
        vm = new SyncViewModel(session, tasks, new SimpleObjectProperty<Plan>(pair.plan));
        Scene scene = new Scene(new javafx.scene.control.ScrollPane(new SyncView(vm)), 1000, 700);
        ((javafx.scene.control.ScrollPane) scene.getRoot()).setFitToWidth(true);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
        vm.startPolling();
    }

    @AfterEach
    void close() {
        vm.close();
        tasks.close();
        pair.close();
        link.close();
    }

    /**
     * The migration at traffic_shift with reads at {@code readPercent}, as a router-less migration
     * gets there: with overrides. At 100 % every guard of the move to new_primary holds: a clean,
     * fresh verification of these databases and plan, and shadow reads compared over the whole
     * window without a mismatch (change capture's guard is met by the flip itself).
     */
    private ControlState atTrafficShift(int readPercent) throws Exception {
        ControlPlane plane = new ControlPlane(store, GuardSettings.defaults());
        ControlState s = plane.movePhase(null, Phase.TRAFFIC_SHIFT, Actor.current(), "test", true);
        s = plane.setReadPercent(s, readPercent, Actor.current(), "test", true);
        ControlKeys keys = store.keys();
        Map<String, String> verified = new HashMap<>(Map.of(ControlKeys.Verify.AT, Long.toString(System.currentTimeMillis() - 1000),
                ControlKeys.Verify.CLEAN, "true", ControlKeys.Verify.ROWS_COMPARED, "1", ControlKeys.Verify.DIFFERENCES, "0",
                ControlKeys.Verify.DIRECTION, ControlKeys.Verify.DIRECTION_FORWARD, ControlKeys.Verify.SAMPLED, "false"));
        verified.putAll(new VerifiedPair(DbIdentity.of(pair.oldDb()), DbIdentity.of(pair.newDb()), VerifiedPair.planHash(pair.plan)).fields());
        link.sync().hset(keys.verify(), verified);
        // no shadow reads, no router heartbeat: a sync-only migration, whose router guards do not apply
        return s;
    }

    private AuditEntry lastAudit() {
        List<AuditEntry> entries = store.audit(100);
        return entries.get(entries.size() - 1);
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    /**
     * Clicks {@code id} as the DBA would: once it is shown and enabled (Start waits for the first
     * reading), scrolled into view (the screen is taller than the window once the flip has run).
     */
    private static void click(FxRobot robot, String id) {
        clickWhenReady(robot, id);
    }

    /**
     * Clicks {@code id} once it is visible and enabled, scrolled into view and no longer moving: the
     * same place in the scene on two looks a poll apart (lines above it come and go with the polls).
     */
    private static void clickWhenReady(FxRobot robot, String id) {
        Bounds[] last = {null};
        await().atMost(20, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(300)).until(() -> {
            Node n = robot.lookup(id).query();
            if (!n.isVisible() || n.isDisabled() || n.getScene() == null) {
                last[0] = null;
                return false;
            }
            Bounds[] now = {null};
            robot.interact(() -> {
                SyncView.reveal(n);
                now[0] = n.localToScene(n.getLayoutBounds());
            });
            boolean still = now[0].equals(last[0]) && now[0].getMaxY() <= n.getScene().getHeight() && now[0].getMinY() >= 0;
            last[0] = now[0];
            return still;
        });
        robot.clickOn(robot.lookup(id).queryAs(Button.class));
    }

    /** The dialog a click opened, awaited: it shows in a window of its own a moment after the click's events are handled. */
    private static DialogPane dialog(FxRobot robot, String id) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> robot.lookup(id).tryQuery().isPresent());
        return robot.lookup(id).queryAs(DialogPane.class);
    }

    private static Button button(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Button.class);
    }

    private long countOld(String sql) throws SQLException {
        try (Connection c = pair.old.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The dialog is whole (no paragraph cut or shortened) and centred over the window. */
    private void wholeAndCentred(DialogPane pane) {
        assertThat(Elided.under(pane)).isEmpty();
        for (Node n : pane.lookupAll(".label")) {
            if (n instanceof Label l && l.isVisible() && l.getText() != null && !l.getText().isBlank()) {
                assertThat(l.getHeight()).as(l.getText()).isGreaterThanOrEqualTo(l.prefHeight(l.getWidth()) - 0.5);
                Bounds b = l.localToScene(l.getLayoutBounds());
                assertThat(b.getMaxY()).as(l.getText()).isLessThanOrEqualTo(pane.getScene().getHeight() + 0.5);
            }
        }
        Window dialog = pane.getScene().getWindow();
        double dx = dialog.getX() + dialog.getWidth() / 2 - (stage.getX() + stage.getWidth() / 2);
        assertThat(Math.abs(dx)).as("horizontal distance of the dialog's centre from the window's").isLessThan(20);
        assertThat(dialog.getY()).isGreaterThanOrEqualTo(stage.getY());
    }

    @Test
    void flipToTheNewDatabaseSaysSwitchWithThePauseTheOldSideRefusesWritesAndTheReverseStreamCarriesThemBack(FxRobot robot)
            throws Exception {
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-why").startsWith("No slot "));
        assertThat(button(robot, "#sync-flip").isDisabled()).isTrue();
        assertThat(text(robot, "#sync-flip-writes")).isEqualTo("Writes go to the old database (no write block on either side)");

        // the slot, made by a sync of this console that caught up
        click(robot, "#sync-forward-start");
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Running in this console — reported"));
        pair.old.exec("INSERT INTO orders VALUES (1, 1.50)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> pair.countNew("SELECT count(*) FROM orders WHERE id = 1 AND total_cents = 150") == 1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !button(robot, "#sync-flip").isDisabled());
        assertThat(button(robot, "#sync-flip").getText()).isEqualTo("Flip writes to the new database…");
        ControlState before = atTrafficShift(100);
        int audited = store.audit(100).size();

        click(robot, "#sync-flip");
        DialogPane confirm = dialog(robot, "#sync-flip-confirm");
        assertThat(confirm.getHeaderText()).isEqualTo("Flip the application's writes to the new database?");
        assertThat(robot.from(confirm).lookup(".label").queryAllAs(Label.class)).extracting(Label::getText)
                .anyMatch(t -> t.startsWith("With Redis connected this is the move to new_primary: its guards are asked before step 1"))
                .anyMatch(t -> t.startsWith("1. The sync running in this console stops first"))
                .anyMatch(t -> t.contains("SQLSTATE 25006 (read_only_sql_transaction) until the application switches"))
                .anyMatch(t -> t.startsWith("Longest pause: the catch-up inside it may take 30 s"));
        wholeAndCentred(confirm);
        // it warns of a write pause: Enter is Cancel (DBA walk, 4)
        assertThat(robot.from(confirm).lookup((Button b) -> "Cancel".equals(b.getText())).queryButton().isDefaultButton()).isTrue();
        assertThat(robot.from(confirm).lookup((Button b) -> "Flip writes to the new database".equals(b.getText())).queryButton()
                .isDefaultButton()).isFalse();
        robot.clickOn(robot.from(confirm).lookup((Button b) -> "Flip writes to the new database".equals(b.getText())).queryButton());

        await().atMost(90, TimeUnit.SECONDS).until(() -> !text(robot, "#sync-flip-banner").isEmpty() || !text(robot, "#sync-flip-error").isEmpty());
        assertThat(text(robot, "#sync-flip-error")).isEmpty();
        assertThat(text(robot, "#sync-flip-banner")).isEqualTo("Switch the application's writes to the new database now");
        await().atMost(10, TimeUnit.SECONDS).until(() -> !text(robot, "#sync-flip-pause").isEmpty());
        assertThat(text(robot, "#sync-flip-pause")).matches("Write pause [0-9,]+ ms \\(block [0-9,]+ ms \\+ catch-up [0-9,]+ ms, .*");
        assertThat(robot.lookup("#sync-flip-progress").queryAs(javafx.scene.layout.VBox.class).getChildren()).extracting(n -> ((Label) n).getText())
                .anyMatch(t -> t.startsWith("Stopping the sync running in this console"))
                .anyMatch(t -> t.startsWith("Writes to the old database blocked"));
        assertThat(text(robot, "#sync-message")).startsWith("Sync " + pair.migration + " stopped");

        // the flip was the move to new_primary: its guards shown first, the phase and one audit entry recorded after SWITCH
        List<String> steps = progressLines(robot);
        assertThat(steps.get(0)).isEqualTo("Phase traffic_shift → new_primary (guards pass); recorded after the switch");
        // no router ever reported: its guards pass as not applicable, saying why; the verification is the evidence
        String notApplicable = ": not applicable - no router has reported for migration " + pair.migration
                + "; writes follow by sync, exact verification is the evidence";
        assertThat(steps).contains("✓ reads fully shifted: read shift (read_percent 100)" + notApplicable)
                .anyMatch(t -> t.startsWith("✓ shadow mismatch rate under ") && t.endsWith(": shadow reads" + notApplicable))
                .anyMatch(t -> t.startsWith("✓ verification clean and fresh: 1 rows compared, 0 differences"))
                .anyMatch(t -> t.startsWith("✓ change capture caught up: met by the flip itself"));
        assertThat(steps.get(steps.size() - 1)).matches("Phase traffic_shift → new_primary \\(version [0-9]+, write target new_primary\\),"
                + " audited as flip_writes\\.");
        ControlState after = store.read();
        assertThat(after.phase()).isEqualTo(Phase.NEW_PRIMARY);
        assertThat(after.writeTarget()).isEqualTo(WriteTarget.NEW_PRIMARY);
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(store.audit(100)).hasSize(audited + 1);
        AuditEntry flipped = lastAudit();
        assertThat(flipped.action()).isEqualTo("flip_writes");
        assertThat(flipped.from()).isEqualTo("traffic_shift");
        assertThat(flipped.to()).isEqualTo("new_primary");
        assertThat(flipped.override()).isFalse();
        assertThat(flipped.who()).isEqualTo(Actor.current().who());
        assertThat(flipped.why()).matches("flip-writes --to new: write pause [0-9]+ ms \\(block [0-9]+ ms \\+ catch-up [0-9]+ ms, [0-9]+ changes\\)");

        // an application still on the old database is refused
        assertThatThrownBy(() -> pair.old.exec("INSERT INTO orders VALUES (2, 2.00)"))
                .hasCauseInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("25006"));
        // what Redis holds (new_primary), then the block that sends writes to the new database
        await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes").startsWith("Redis holds phase new_primary, write"
                + " target new_primary: ") && text(robot, "#sync-flip-writes").contains("\nWrites go to the new database: the old one refuses them"));
        assertThat(button(robot, "#sync-flip").getText()).isEqualTo("Flip writes back to the old database…");
        assertThat(button(robot, "#sync-flip-undo").getText()).isEqualTo("Undo write block on the old database…");

        Node next = robot.lookup("#sync-flip-next").query();
        Bounds shown = next.localToScene(next.getLayoutBounds());
        assertThat(shown.getMaxY()).as("the button under the banner is scrolled into view").isLessThanOrEqualTo(stage.getScene().getHeight());
        robot.clickOn(next);
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-reverse-state").startsWith("Running in this console"));
        assertThat(robot.lookup("#sync-flip-next").query().isVisible()).isFalse();
        pair.neu.exec("INSERT INTO orders VALUES (3, 1234)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> countOld("SELECT count(*) FROM orders WHERE id = 3 AND total_amount = 12.34") == 1);
        click(robot, "#sync-reverse-stop");
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-message").startsWith("Sync " + pair.migration + " stopped: 1 changes"));

        // the block lifted by hand: the old database takes writes again
        // clicked once it is shown, enabled and still (a poll's lines above it move it while they come), the dialog awaited
        click(robot, "#sync-flip-undo");
        DialogPane undo = dialog(robot, "#sync-undo-confirm");
        wholeAndCentred(undo);
        assertThat(robot.from(undo).lookup((Button b) -> "Cancel".equals(b.getText())).queryButton().isDefaultButton()).isTrue();
        robot.clickOn(robot.from(undo).lookup((Button b) -> "Lift the block".equals(b.getText())).queryButton());
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-outcome").startsWith("Write block on the old database lifted"));
        assertThat(text(robot, "#sync-flip-outcome")).isEqualTo("Write block on the old database lifted: it takes writes again."
                + " Audited as flip_writes (phase new_primary kept: lifting a block moves no writes).");
        pair.old.exec("INSERT INTO orders VALUES (4, 4.00)");
        assertThat(countOld("SELECT count(*) FROM orders WHERE id = 4")).isEqualTo(1);
        assertThat(store.audit(100)).hasSize(audited + 2);
        assertThat(lastAudit().action()).isEqualTo("flip_writes");
        assertThat(lastAudit().why()).isEqualTo("flip-writes --undo --to old: write block on the old database lifted");
        assertThat(store.read().phase()).isEqualTo(Phase.NEW_PRIMARY);
    }

    @Test
    void aStreamInAnotherProcessIsAskedThroughRedisToStopAndTheFlipGoesOn(FxRobot robot) throws Exception {
        // a 'cutover sync' elsewhere that does not report to this Redis: nothing to ask it with, so the flip says to stop it by hand
        dev.cutover.app.SyncRun silent = new dev.cutover.app.SyncRun(pair.oldDb(), pair.newDb(), pair.plan,
                dev.cutover.app.SyncRun.Settings.forward(null));
        silent.start(null, r -> { }, e -> { });
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-why").startsWith("Another process streams from slot "));
        assertThat(text(robot, "#sync-flip-why")).contains("does not report to this Redis: stop that 'cutover sync' first");
        silent.stop();
        assertThat(silent.awaitEnd(30_000)).isTrue();

        // one that reports here (as 'cutover sync --redis' and 'demo --sync' do) is asked to stop by the flip
        dev.cutover.app.SyncRun elsewhere = new dev.cutover.app.SyncRun(pair.oldDb(), pair.newDb(), pair.plan,
                dev.cutover.app.SyncRun.Settings.forward(TestRedis.sharedUrl()));
        elsewhere.start(null, r -> { }, e -> { });
        try {
            await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Running in another process — reported"));
            pair.old.exec("INSERT INTO orders VALUES (1, 1.50)");
            await().atMost(30, TimeUnit.SECONDS).until(() -> pair.countNew("SELECT count(*) FROM orders WHERE id = 1") == 1);
            await().atMost(10, TimeUnit.SECONDS).until(() -> !button(robot, "#sync-flip").isDisabled());
            atTrafficShift(100);
            click(robot, "#sync-flip");
            DialogPane confirm = dialog(robot, "#sync-flip-confirm");
            assertThat(robot.from(confirm).lookup(".label").queryAllAs(Label.class)).extracting(Label::getText)
                    .anyMatch(t -> t.startsWith("1. The 'cutover sync' streaming from slot " + elsewhere.slot()
                            + " in another process is asked through Redis to stop after its batch in hand"))
                    .noneMatch(t -> t.contains("The sync running in this console stops first"));
            wholeAndCentred(confirm);
            robot.clickOn(robot.from(confirm).lookup((Button b) -> "Flip writes to the new database".equals(b.getText())).queryButton());

            await().atMost(90, TimeUnit.SECONDS).until(() -> !text(robot, "#sync-flip-banner").isEmpty() || !text(robot, "#sync-flip-error").isEmpty());
            assertThat(text(robot, "#sync-flip-error")).isEmpty();
            assertThat(text(robot, "#sync-flip-banner")).isEqualTo("Switch the application's writes to the new database now");
            assertThat(progressLines(robot)).contains("Asking the 'cutover sync' in another process to stop after its batch in hand (through Redis)…",
                    "It stopped; the flip streams from its slot now.");
            assertThat(elsewhere.awaitEnd(10_000)).isTrue();
            assertThat(elsewhere.stoppedBy()).containsEntry(ControlKeys.SyncStop.WHO, Actor.current().who())
                    .containsEntry(ControlKeys.SyncStop.WHY, "console: flip writes to the new database");
            assertThat(store.read().phase()).isEqualTo(Phase.NEW_PRIMARY);
        } finally {
            elsewhere.stop();
            elsewhere.awaitEnd(30_000);
            link.sync().del(store.keys().syncStop(false));
        }
    }

    private static List<String> progressLines(FxRobot robot) {
        return robot.lookup("#sync-flip-progress").queryAs(javafx.scene.layout.VBox.class).getChildren().stream()
                .map(n -> ((Label) n).getText()).toList();
    }

    @Test
    void aGuardOfTheMoveToNewPrimaryRefusesTheFlipBeforeAnythingIsStoppedOrBlocked(FxRobot robot) throws Exception {
        click(robot, "#sync-forward-start");
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-forward-state").startsWith("Running in this console — reported"));
        pair.old.exec("INSERT INTO orders VALUES (1, 1.50)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> pair.countNew("SELECT count(*) FROM orders WHERE id = 1") == 1);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !button(robot, "#sync-flip").isDisabled());
        // reads at 50 % refuse nothing without a router (that guard does not apply), but the verification still must be clean
        ControlState before = atTrafficShift(50);
        link.sync().hset(store.keys().verify(), Map.of(ControlKeys.Verify.CLEAN, "false", ControlKeys.Verify.DIFFERENCES, "3"));
        int audited = store.audit(100).size();

        assertThat(robot.lookup("#sync-flip-override").query().isVisible()).as("no refusal to override yet").isFalse();
        click(robot, "#sync-flip");
        DialogPane confirm = dialog(robot, "#sync-flip-confirm");
        robot.clickOn(robot.from(confirm).lookup((Button b) -> "Flip writes to the new database".equals(b.getText())).queryButton());

        await().atMost(60, TimeUnit.SECONDS).until(() -> !text(robot, "#sync-flip-error").isEmpty());
        // the override is the button next to the line, not a command to run elsewhere
        assertThat(text(robot, "#sync-flip-error")).endsWith("then Verify).").doesNotContain("cutover flip-writes");
        assertThat(text(robot, "#sync-flip-error")).startsWith("Refused, nothing blocked: migration " + pair.migration
                        + ": cannot move from traffic_shift to new_primary: verification clean and fresh: the latest verification"
                        + " (1 rows compared, ")
                .contains(" ago) found 3 differences (Repair all on the Verify screen, then Verify)")
                .doesNotContain("reads fully shifted").doesNotContain("shadow mismatch rate")
                .doesNotContain("--override --reason \"why\")").doesNotContain("Override… asks");
        assertThat(text(robot, "#sync-flip-banner")).isEmpty();
        assertThat(progressLines(robot)).noneMatch(t -> t.startsWith("Stopping the sync")).noneMatch(t -> t.contains("blocked ("));
        // nothing stopped, nothing blocked, no slot made, nothing recorded
        assertThat(text(robot, "#sync-forward-state")).startsWith("Running in this console");
        assertThat(new WriteBlock(pair.oldDb(), pair.plan, Direction.FORWARD).blocked()).isEmpty();
        pair.old.exec("INSERT INTO orders VALUES (2, 2.00)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> pair.countNew("SELECT count(*) FROM orders WHERE id = 2") == 1);
        assertThat(new dev.cutover.capture.SyncSlot(pair.newDb(), pair.plan, Direction.REVERSE).info()).isNull();
        assertThat(store.read()).isEqualTo(before);
        assertThat(store.audit(100)).hasSize(audited);
        assertThat(text(robot, "#sync-flip-writes")).endsWith("\nWrites go to the old database first; the routers mirror them to the"
                + " new one (write target dual_write). No write block on either database.");

        // the refusal overridden with a reason (as flip-writes --override --reason): Override… next to the refusal line asks for
        // the reason, lists each failing guard once, whole, and wants the phase typed
        assertThat(vm.flip().overridable().get()).isTrue();
        click(robot, "#sync-flip-override");
        DialogPane override = dialog(robot, "#sync-override-dialog");
        assertThat(override.getHeaderText()).isEqualTo("Flip writes to the new database although its guards refuse?");
        String reasons = robot.from(override).lookup("#override-reasons").queryAs(javafx.scene.control.TextArea.class).getText();
        assertThat(reasons).startsWith("✗ verification clean and fresh: the latest verification").contains("found 3 differences")
                .doesNotContain("reads fully shifted").doesNotContain("\n");
        wholeAndCentred(override);
        Button overrideGo = robot.from(override).lookup((Button b) -> "Override and flip".equals(b.getText())).queryButton();
        robot.clickOn(robot.from(override).lookup("#override-why").queryAs(javafx.scene.control.TextArea.class)).write("  ");
        robot.clickOn(robot.from(override).lookup("#override-typed").queryAs(javafx.scene.control.TextField.class)).write("new_primary");
        assertThat(overrideGo.isDisabled()).as("a blank reason is none").isTrue();
        robot.clickOn(robot.from(override).lookup("#override-why").queryAs(javafx.scene.control.TextArea.class))
                .write("the 3 differences are known test rows");
        assertThat(overrideGo.isDisabled()).isFalse();
        robot.clickOn(overrideGo);
        await().atMost(90, TimeUnit.SECONDS).until(() -> !text(robot, "#sync-flip-banner").isEmpty() || !text(robot, "#sync-flip-error").isEmpty());
        assertThat(text(robot, "#sync-flip-error")).isEmpty();
        assertThat(progressLines(robot).get(0)).isEqualTo("Phase traffic_shift → new_primary (guards overridden, audited); recorded after the switch");
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.audit(100).size() == audited + 1);
        AuditEntry e = lastAudit();
        assertThat(e.action()).isEqualTo("flip_writes");
        assertThat(e.override()).isTrue();
        assertThat(e.get(ControlKeys.Audit.GUARD)).contains("verification clean and fresh").doesNotContain("reads fully shifted");
        assertThat(e.why()).endsWith("; the 3 differences are known test rows").doesNotContain(";   ");
        assertThat(store.read().phase()).isEqualTo(Phase.NEW_PRIMARY);
        assertThat(vm.flip().overridable().get()).isFalse();
        assertThat(robot.lookup("#sync-flip-override").query().isVisible()).isFalse();
    }
}
