package dev.cutover.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/** The bar at the bottom of the window: endpoint health, phase, read %, routers, how writes follow, and running work with cancel. */
public final class StatusBar extends FlowPane {

    public StatusBar(Session session, StatusViewModel vm, BackgroundTasks tasks) {
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);
        Label phase = item("status-phase", "Phase");
        phase.textProperty().bind(Bindings.concat("Phase: ", vm.phase()));
        Label read = item("status-read", "Read traffic on the new database");
        read.textProperty().bind(Bindings.concat("Reads on new: ", vm.readPercent()));
        Label routers = item("status-routers", "Router heartbeats");
        routers.textProperty().bind(Bindings.concat("Routers: ", vm.routers()));
        vm.routers().addListener((o, a, b) -> {
            routers.getStyleClass().remove("danger-text");
            if (b.contains("degraded:")) {
                routers.getStyleClass().add("danger-text");
            }
        });
        Label follow = item("status-writes-follow", "How the application's writes reach the other database: routers, change capture (cutover sync), or both");
        follow.textProperty().bind(Bindings.concat("Writes follow by: ", vm.writesFollow()));

        Label work = new Label();
        work.setId("status-work");
        work.textProperty().bind(tasks.title());
        ProgressBar bar = new ProgressBar();
        bar.setPrefWidth(120);
        bar.progressProperty().bind(tasks.progress());
        Button cancel = new Button("Cancel");
        cancel.setId("status-cancel");
        cancel.getStyleClass().add("small");
        cancel.setOnAction(e -> tasks.cancelAll());
        for (var n : new javafx.scene.Node[]{bar, cancel}) {
            n.visibleProperty().bind(tasks.busy());
            n.managedProperty().bind(tasks.busy());
        }
        getChildren().addAll(endpoint("status-old", "Old DB", session.oldHealth()),
                endpoint("status-new", "New DB", session.newHealth()),
                endpoint("status-redis", "Redis", session.redisHealth()),
                separator(), phase, read, routers, follow, workBox(work, bar, cancel));
        // a narrow window puts the running work on a second line rather than cutting every item
        getChildrenUnmodifiable().forEach(n -> {
            if (n instanceof Region r) {
                r.setMinWidth(Region.USE_PREF_SIZE);
            }
        });
    }

    private static HBox workBox(Label work, ProgressBar bar, Button cancel) {
        // The bar and Cancel take room only while work runs (their width would push the row onto a second line at 1024 px),
        // but the row keeps Cancel's height always: else the status bar grew 2 px at a run's start and every control of
        // the screen above it moved (BackfillLayoutTest).
        Region strut = new Region();
        strut.setMinWidth(0);
        strut.setPrefWidth(0);
        strut.minHeightProperty().bind(javafx.beans.binding.Bindings.createDoubleBinding(
                () -> Math.max(cancel.prefHeight(-1), bar.prefHeight(-1)),
                cancel.fontProperty(), cancel.paddingProperty(), cancel.skinProperty(), bar.skinProperty(), bar.paddingProperty()));
        HBox box = new HBox(8, strut, work, bar, cancel);
        box.setAlignment(Pos.CENTER_LEFT);
        work.setMinWidth(Region.USE_PREF_SIZE);
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        return box;
    }

    private static Label item(String id, String tip) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("status-item");
        l.setTooltip(new Tooltip(tip));
        return l;
    }

    private static Label endpoint(String id, String name, ObjectProperty<Health> health) {
        Label l = item(id, name);
        Region dot = new Region();
        dot.getStyleClass().add("health-dot");
        l.setGraphic(dot);
        l.textProperty().bind(health.map(h -> name + ": " + switch (h.state()) {
            case NOT_SET -> "not connected";
            case UP -> "up";
            case DOWN -> "down";
        }));
        health.addListener((o, a, h) -> update(l, dot, h));
        update(l, dot, health.get());
        return l;
    }

    private static void update(Label l, Region dot, Health h) {
        dot.getStyleClass().removeAll("up", "down", "unset");
        dot.getStyleClass().add(switch (h.state()) {
            case NOT_SET -> "unset";
            case UP -> "up";
            case DOWN -> "down";
        });
        l.getTooltip().setText(h.detail());
    }

    private static Region separator() {
        Region r = new Region();
        r.getStyleClass().add("status-separator");
        return r;
    }
}
