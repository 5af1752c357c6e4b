package dev.cutover.ui.sync;

import dev.cutover.plan.Plan;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The write flip on the Change capture screen, between two real databases: forward sync, flip, SWITCH, reverse stream, undo. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class SyncFlipViewTest {
    private final SyncPairFixture pair = new SyncPairFixture("syncflip");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
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
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    /** Clicks {@code id} as the DBA would: scrolled into view first (the screen is taller than the window once the flip has run). */
    private static void click(FxRobot robot, String id) {
        Node n = robot.lookup(id).query();
        robot.interact(() -> SyncView.reveal(n));
        robot.clickOn(n);
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

        click(robot, "#sync-flip");
        DialogPane confirm = robot.lookup("#sync-flip-confirm").queryAs(DialogPane.class);
        assertThat(confirm.getHeaderText()).isEqualTo("Flip the application's writes to the new database?");
        assertThat(robot.from(confirm).lookup(".label").queryAllAs(Label.class)).extracting(Label::getText)
                .anyMatch(t -> t.startsWith("1. The sync running in this console stops first"))
                .anyMatch(t -> t.contains("SQLSTATE 25006 (read_only_sql_transaction) until the application switches"))
                .anyMatch(t -> t.startsWith("Longest pause: the catch-up inside it may take 30 s"));
        wholeAndCentred(confirm);
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

        // an application still on the old database is refused
        assertThatThrownBy(() -> pair.old.exec("INSERT INTO orders VALUES (2, 2.00)"))
                .hasCauseInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("25006"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-writes").startsWith("Writes go to the new database"));
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
        click(robot, "#sync-flip-undo");
        DialogPane undo = robot.lookup("#sync-undo-confirm").queryAs(DialogPane.class);
        wholeAndCentred(undo);
        robot.clickOn(robot.from(undo).lookup((Button b) -> "Lift the block".equals(b.getText())).queryButton());
        await().atMost(30, TimeUnit.SECONDS).until(() -> text(robot, "#sync-flip-outcome").equals("Write block on the old database lifted: it takes writes again."));
        pair.old.exec("INSERT INTO orders VALUES (4, 4.00)");
        assertThat(countOld("SELECT count(*) FROM orders WHERE id = 4")).isEqualTo(1);
    }
}
