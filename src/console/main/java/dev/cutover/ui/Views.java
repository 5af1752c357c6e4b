package dev.cutover.ui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.function.Function;

/** Small view-building helpers the screens share, so every panel and text column looks alike. */
public final class Views {
    private Views() {
    }

    /** A titled panel: the title in the theme's pane-title style above a body that takes the free height. */
    public static VBox panel(String name, Node body) {
        Label l = new Label(name);
        l.getStyleClass().add("pane-title");
        StackPane holder = new StackPane(body);
        VBox.setVgrow(holder, Priority.ALWAYS);
        VBox box = new VBox(l, holder);
        box.getStyleClass().add("panel");
        return box;
    }

    /** Runs {@code hidden} when {@code view} leaves the window (another screen shown, the window closed): polling stops. */
    public static void whenHidden(Node view, Runnable hidden) {
        view.sceneProperty().addListener((o, a, s) -> {
            if (s == null) {
                hidden.run();
            }
        });
        view.parentProperty().addListener((o, a, p) -> {
            if (p == null) {
                hidden.run();
            }
        });
    }

    /** A read-only text column computed from the row. */
    public static <T> TableColumn<T, String> column(String name, double width, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        return c;
    }

    /** A text column whose cells show their whole text in a tooltip (for values a narrow column cuts off). */
    public static <T> TableColumn<T, String> tooltipColumn(String name, double width, Function<T, String> value) {
        TableColumn<T, String> c = column(name, width, value);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setTooltip(empty || s == null || s.isEmpty() ? null : new Tooltip(s));
            }
        });
        return c;
    }
}
