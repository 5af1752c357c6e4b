package dev.cutover.ui.sync;

import dev.cutover.capture.SyncStatus;
import dev.cutover.ui.Views;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The Change capture screen: one card per stream (forward always, reverse when its slot exists)
 * with a line each for running, lag, changes/s, retained WAL and the last error, and Start, Stop
 * and Drop slot… (the reason under them when one is disabled).
 */
public final class SyncView extends VBox {
    public SyncView(SyncViewModel vm) {
        getStyleClass().addAll("screen", "sync-screen");
        Label title = new Label("Change capture");
        title.getStyleClass().add("screen-title");
        Label intro = Views.wrapping(new Label("cutover sync follows the database's own change stream (logical replication) and re-syncs"
                + " every changed key through the plan: writes reach the other database with no router. Start runs it in this console;"
                + " it stops when the console closes. Run the forward and the reverse stream one at a time."));
        intro.getStyleClass().add("hint");
        Label message = Views.wrapping(new Label());
        message.setId("sync-message");
        message.textProperty().bind(vm.message());
        message.managedProperty().bind(message.textProperty().isNotEmpty());
        getChildren().addAll(title, intro, card(vm, vm.forward(), "Forward: old database → new database"),
                card(vm, vm.reverse(), "Reverse: new database → old database (from new_primary on)"), message);
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
                + " in between: run 'cutover repair' once it runs again. Its status record in Redis is removed too, so the phase"
                + " guards no longer wait for it.", ButtonType.CANCEL, ButtonType.OK);
        a.setHeaderText("Drop replication slot and publication " + side.slotName() + "?");
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        a.getDialogPane().setId("sync-drop-confirm");
        return a.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
    }
}
