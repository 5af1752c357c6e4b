package dev.cutover.ui.sync;

import dev.cutover.capture.SyncStatus;
import dev.cutover.ui.CancelFirst;
import dev.cutover.ui.Views;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.List;

/**
 * The Change capture screen: one card per stream (forward always, reverse when its slot exists)
 * with a line each for running, lag, changes/s, retained WAL and the last error, and Start, Stop
 * and Drop slot… (the reason under them when one is disabled); under them the write flip for an
 * application without the router (Flip writes…, Undo write block…, the progress, the error), and
 * its SWITCH banner at the top with the pause and Start of the stream the other way.
 */
public final class SyncView extends VBox {
    /** The confirmations' paragraph width: fits the smallest window (960 px) with the dialog's padding. */
    static final double DIALOG_TEXT_WIDTH = 560;

    private final SyncViewModel.Side vmForward;
    private final SyncViewModel.Side vmReverse;

    public SyncView(SyncViewModel vm) {
        vmForward = vm.forward();
        vmReverse = vm.reverse();
        getStyleClass().addAll("screen", "sync-screen");
        Label title = new Label("Change capture");
        title.getStyleClass().add("screen-title");
        Label intro = Views.wrapping(new Label("Change capture follows the database's own change stream (logical replication) and re-syncs"
                + " every changed key through the plan: writes reach the other database with no router. Start runs it in this console;"
                + " it stops when the console closes. Run the forward and the reverse stream one at a time."));
        intro.getStyleClass().add("hint");
        Label message = Views.wrapping(new Label());
        message.setId("sync-message");
        message.textProperty().bind(vm.message());
        message.managedProperty().bind(message.textProperty().isNotEmpty());
        getChildren().addAll(title, intro, flipBanner(vm.flip()), card(vm, vm.forward(), "Forward: old database → new database"),
                card(vm, vm.reverse(), "Reverse: new database → old database (from new_primary on)"), message, flipCard(vm));
    }

    private VBox card(SyncViewModel vm, SyncViewModel.Side side, String heading) {
        String id = side.reverse() ? "sync-reverse" : "sync-forward";
        Label head = Views.wrapping(new Label(heading));
        head.getStyleClass().add("card-title");
        Label state = line(id + "-state", side.state());
        side.state().addListener((o, a, b) -> style(state, b.startsWith("Running") ? "ok-text" : null));
        Label lag = line(id + "-lag", side.lag());
        Label rate = line(id + "-rate", side.rate());
        Label wal = line(id + "-wal", side.wal());
        side.walWarning().addListener((o, a, b) -> style(wal, b ? "warn-text" : null));
        Label error = line(id + "-error", side.error());
        side.error().addListener((o, a, b) -> style(error, b.equals("Last error: none") ? null : "error-text"));

        Button start = new Button("Start");
        start.setId(id + "-start");
        start.disableProperty().bind(side.startBlocked().isNotEmpty());
        start.setOnAction(e -> vm.start(side));
        Button stop = new Button("Stop");
        stop.setId(id + "-stop");
        stop.disableProperty().bind(side.canStop().not());
        stop.setOnAction(e -> vm.stop(side));
        Button drop = new Button("Drop slot…");
        drop.setId(id + "-drop");
        drop.disableProperty().bind(side.dropBlocked().isNotEmpty());
        drop.setOnAction(e -> {
            if (confirmDrop(side)) {
                vm.drop(side);
            }
        });
        Views.whole(start, stop, drop);
        HBox actions = new HBox(start, stop, drop);
        actions.getStyleClass().add("actions");
        // a disabled button shows no tooltip: the reason is a line under the buttons
        Label why = Views.wrapping(new Label());
        why.setId(id + "-why");
        why.getStyleClass().add("hint");
        why.textProperty().bind(Bindings.createStringBinding(() -> !side.startBlocked().get().isEmpty() && !side.canStop().get()
                ? "Start: " + side.startBlocked().get() : "", side.startBlocked(), side.canStop()));
        why.managedProperty().bind(why.textProperty().isNotEmpty());
        VBox card = new VBox(head, state, lag, rate, wal, error, actions, why);
        card.setId(id);
        card.getStyleClass().add("card");
        card.visibleProperty().bind(side.shown());
        card.managedProperty().bind(side.shown());
        return card;
    }

    /** The write flip: where writes go, Flip… and Undo…, the steps as they come, the error (the banner is {@link #flipBanner}). */
    private VBox flipCard(SyncViewModel vm) {
        FlipViewModel flip = vm.flip();
        Label head = Views.wrapping(new Label("Write flip (an application without the router)"));
        head.getStyleClass().add("card-title");
        Label intro = Views.wrapping(new Label("Moves the application's writes to the other database with the shortest pause it can"
                + " measure: it blocks writes on the side they leave, waits for lag 0, then tells you to switch the application's"
                + " connection string."));
        intro.getStyleClass().add("hint");
        // what Redis holds (where the routers write) and the databases' write blocks, not the blocks alone
        Label writes = line("sync-flip-writes", vm.writes());
        Button go = new Button();
        go.setId("sync-flip");
        go.textProperty().bind(flip.flipLabel());
        go.getStyleClass().add("accent");
        go.disableProperty().bind(flip.flipBlocked().isNotEmpty());
        go.setOnAction(e -> {
            FlipViewModel.Choice c = flip.choice();
            if (c != null && c.target() != null && confirmFlip(c)) {
                flip.flip();
            }
        });
        Button undo = new Button();
        undo.setId("sync-flip-undo");
        undo.textProperty().bind(flip.undoLabel());
        undo.visibleProperty().bind(flip.undoLabel().isNotEmpty());
        undo.managedProperty().bind(undo.visibleProperty());
        undo.disableProperty().bind(flip.flipping());
        undo.setOnAction(e -> {
            FlipViewModel.Choice c = flip.choice();
            if (c != null && c.undo() != null && confirm("sync-undo-confirm", "Lift the write block on the " + c.undo().words() + "?",
                    List.of(FlipViewModel.undoText(c.undo())), "Lift the block")) {
                flip.undo();
            }
        });
        Views.whole(go, undo);
        FlowPane actions = new FlowPane(8, 8, go, undo);
        Label why = Views.wrapping(new Label());
        why.setId("sync-flip-why");
        why.getStyleClass().add("hint");
        why.textProperty().bind(flip.flipBlocked());
        why.managedProperty().bind(why.textProperty().isNotEmpty());
        why.visibleProperty().bind(why.managedProperty());

        VBox steps = new VBox(4);
        steps.setId("sync-flip-progress");
        flip.progress().addListener((javafx.collections.ListChangeListener<String>) ch -> {
            steps.getChildren().clear();
            for (String l : flip.progress()) {
                steps.getChildren().add(Views.wrapping(new Label(l)));
            }
        });
        steps.managedProperty().bind(Bindings.isNotEmpty(steps.getChildren()));

        Label error = line("sync-flip-error", flip.error());
        error.getStyleClass().add("error-text");
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        // the refusal's override, next to it while there is one to override (as flip-writes --override --reason)
        Button override = new Button("Override… (asks for a reason)");
        override.setId("sync-flip-override");
        override.visibleProperty().bind(flip.overridable());
        override.managedProperty().bind(override.visibleProperty());
        override.disableProperty().bind(flip.flipping());
        override.setOnAction(e -> confirmOverride(flip));
        Views.whole(override);
        Label outcome = line("sync-flip-outcome", flip.outcome());
        outcome.managedProperty().bind(outcome.textProperty().isNotEmpty());

        // the buttons right under the card's fixed words: where writes go (a line that grows when Redis holds a phase
        // or a block is made), why the flip waits, its steps and its outcome all come below them, so none of these
        // moves Flip… or Undo… while the mouse is on them
        VBox card = new VBox(head, intro, actions, why, writes, steps, error, override, outcome);
        card.setId("sync-flip-card");
        card.getStyleClass().add("card");
        return card;
    }

    /** Scrolls the screen's scroll pane (the window's) just enough to show {@code n} whole; nothing when it is not in one. */
    static void reveal(Node n) {
        Parent p = n.getParent();
        while (p != null && !(p instanceof ScrollPane)) {
            p = p.getParent();
        }
        if (!(p instanceof ScrollPane sp) || sp.getContent() == null || n.getScene() == null) {
            return;
        }
        n.getScene().getRoot().applyCss();
        n.getScene().getRoot().layout();
        Node content = sp.getContent();
        Bounds b = content.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
        double h = content.getLayoutBounds().getHeight();
        double vh = sp.getViewportBounds().getHeight();
        if (h <= vh || b == null) {
            return;
        }
        double range = sp.getVmax() - sp.getVmin();
        double top = (sp.getVvalue() - sp.getVmin()) / range * (h - vh);
        double target = top;
        if (b.getMaxY() > top + vh) {
            target = b.getMaxY() - vh;
        }
        if (b.getMinY() < target) {
            target = b.getMinY();
        }
        sp.setVvalue(sp.getVmin() + Math.max(0, Math.min(1, target / (h - vh))) * range);
    }

    /**
     * SWITCH NOW, at the top of the screen where the DBA looks (scrolled into view when it comes):
     * switch the application's writes now, the pause measured, and Start of the stream the other way.
     */
    private VBox flipBanner(FlipViewModel flip) {
        Label headline = Views.wrapping(new Label());
        headline.setId("sync-flip-banner");
        headline.textProperty().bind(flip.banner());
        headline.setStyle("-fx-text-fill: -cut-accent-text; -fx-font-size: 18px; -fx-font-weight: bold;");
        Label pause = Views.wrapping(new Label());
        pause.setId("sync-flip-pause");
        pause.textProperty().bind(flip.pause());
        pause.setStyle("-fx-text-fill: -cut-accent-text;");
        pause.managedProperty().bind(pause.textProperty().isNotEmpty());
        Button next = new Button();
        next.setId("sync-flip-next");
        next.textProperty().bind(flip.nextLabel());
        next.visibleProperty().bind(flip.nextLabel().isNotEmpty());
        next.managedProperty().bind(next.visibleProperty());
        next.setOnAction(e -> flip.startNext());
        Views.whole(next);
        VBox banner = new VBox(8, headline, pause, next);
        banner.setId("sync-flip-switch");
        banner.setStyle("-fx-background-color: -cut-accent-fill; -fx-background-radius: 8; -fx-padding: 12 16 12 16;");
        banner.visibleProperty().bind(flip.banner().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        flip.banner().addListener((o, was, now) -> {
            if (!now.isEmpty()) {
                javafx.application.Platform.runLater(() -> reveal(banner));
            }
        });
        flip.nextLabel().addListener((o, was, now) -> {
            if (!now.isEmpty()) {
                javafx.application.Platform.runLater(() -> reveal(banner));
            }
        });
        return banner;
    }

    /** Asks first, with each paragraph whole (wrapping at the dialog's width), centred over this window. */
    private boolean confirmFlip(FlipViewModel.Choice c) {
        SyncViewModel.Side from = c.target() == dev.cutover.app.WriteFlip.Side.NEW ? vmForward : vmReverse;
        SyncViewModel.Side next = from == vmForward ? vmReverse : vmForward;
        return confirm("sync-flip-confirm", FlipViewModel.confirmHeader(c.target()),
                FlipViewModel.confirmSteps(c.target(), from.slotName(), next.slotName(), c.stopsOwnSync(), c.stopsOtherSync()),
                c.target() == dev.cutover.app.WriteFlip.Side.NEW ? "Flip writes to the new database" : "Flip writes back to the old database");
    }

    /** Override…: each failing guard once, whole, a reason (required) and the phase typed; then the flip, audited as an override. */
    private void confirmOverride(FlipViewModel flip) {
        dev.cutover.app.WriteFlip.Side to = flip.refusedTo();
        if (!flip.overridable().get() || to == null) {
            return;
        }
        boolean toNew = to == dev.cutover.app.WriteFlip.Side.NEW;
        String phase = toNew ? "new_primary" : "traffic_shift";
        String what = "Flips the application's writes to the " + to.words() + " as Flip writes… does (the same pause), although the guards"
                + " of the move to " + phase + " refuse it, as 'cutover flip-writes --override --reason' does: the move is recorded after"
                + " the switch with one flip_writes audit entry marked as an override, naming the guards and your reason.";
        dev.cutover.ui.OverrideDialog.ask(getScene() == null ? null : getScene().getWindow(), new dev.cutover.ui.OverrideDialog.Ask(
                "sync-override-dialog", (toNew ? "Flip writes to the new database" : "Flip writes back to the old database")
                + " although its guards refuse?", what, flip.refusedGuards(), phase, "Override and flip")).ifPresent(flip::overrideRefused);
    }

    private boolean confirm(String id, String header, List<String> paragraphs, String okText) {
        ButtonType ok = new ButtonType(okText, ButtonBar.ButtonData.OK_DONE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "", ok, ButtonType.CANCEL);
        a.setHeaderText(header);
        VBox body = new VBox(8);
        for (String p : paragraphs) {
            Label l = Views.wrapping(new Label(p));
            // a wrapping label's height follows its preferred width: the dialog is sized for every line, none cut
            l.setPrefWidth(DIALOG_TEXT_WIDTH);
            body.getChildren().add(l);
        }
        DialogPane pane = a.getDialogPane();
        pane.setContent(body);
        pane.setId(id);
        pane.setMinHeight(Region.USE_PREF_SIZE);
        pane.setMinWidth(Region.USE_PREF_SIZE);
        a.setResizable(true);
        // each of these warns (a write pause, a block lifted): Enter is Cancel, the action is a click
        CancelFirst.on(a);
        if (getScene() != null) {
            a.initOwner(getScene().getWindow()); // centred over the window
        }
        return a.showAndWait().filter(b -> b == ok).isPresent();
    }

    private static Label line(String id, ObservableValue<String> text) {
        Label l = Views.wrapping(new Label());
        l.setId(id);
        l.textProperty().bind(text);
        return l;
    }

    private static void style(Label l, String cls) {
        l.getStyleClass().removeAll("ok-text", "warn-text", "error-text");
        if (cls != null) {
            l.getStyleClass().add(cls);
        }
    }

    /** The drop, explained: what the slot keeps and what is lost when it goes. */
    private boolean confirmDrop(SyncViewModel.Side side) {
        String where = side.reverse() ? "new" : "old";
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "The slot keeps the " + where + " database's WAL from the last change sync confirmed"
                + " (" + SyncStatus.bytes(side.retainedBytes()) + " now), so a stopped sync resumes without missing a write. Dropping"
                + " it releases that WAL on the " + where + " server. A sync started later creates a new slot and misses every write made"
                + " in between: Verify, then Repair all on the Verify screen once it runs again. Its status record in Redis is removed"
                + " too, so the phase guards no longer wait for it.", ButtonType.CANCEL);
        ButtonType dropIt = new ButtonType("Drop slot", ButtonBar.ButtonData.OK_DONE);
        a.getButtonTypes().add(dropIt);
        a.setHeaderText("Drop replication slot and publication " + side.slotName() + "?");
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        a.getDialogPane().setId("sync-drop-confirm");
        // it warns of writes a later sync would miss: Enter is Cancel
        CancelFirst.on(a);
        return a.showAndWait().filter(b -> b == dropIt).isPresent();
    }
}
