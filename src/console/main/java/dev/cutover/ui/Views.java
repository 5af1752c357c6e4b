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
        Label l = wrapping(new Label(name));
        l.getStyleClass().add("pane-title");
        StackPane holder = new StackPane(body);
        VBox.setVgrow(holder, Priority.ALWAYS);
        VBox box = new VBox(l, holder);
        box.getStyleClass().add("panel");
        return box;
    }

    /**
     * Runs {@code hidden} when {@code view} leaves the window's scene (another screen shown, the
     * window closed): polling stops. Not on a parent change: the window puts a screen into a new
     * scroll pane each time it shows it, and the view passes through no parent on the way (after
     * {@link Screen#shown} started the polling), so that would stop a screen just shown.
     */
    public static void whenHidden(Node view, Runnable hidden) {
        view.sceneProperty().addListener((o, a, s) -> {
            if (s == null) {
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

    /** {@code l} wrapping at its width and never shorter than its wrapped lines, so a narrow window shows its text whole. */
    public static Label wrapping(Label l) {
        l.setWrapText(true);
        l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    /** Never narrower than their own text: a short button or label keeps its words, the space around it gives way. */
    public static void whole(javafx.scene.layout.Region... rs) {
        for (javafx.scene.layout.Region r : rs) {
            r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
    }

    /** Each column at least as wide as its header (and {@code minWidth}), so no header is cut with "…". */
    public static void headersWhole(javafx.scene.control.TableView<?> t) {
        for (TableColumn<?, ?> c : t.getColumns()) {
            c.setMinWidth(Math.max(c.getMinWidth(), textWidth(c.getText(), true) + 24));
        }
    }

    /** The width of {@code s} in the theme's 13 px font. */
    public static double textWidth(String s, boolean bold) {
        javafx.scene.text.Text t = new javafx.scene.text.Text(s == null ? "" : s);
        t.setFont(javafx.scene.text.Font.font(javafx.scene.text.Font.getDefault().getFamily(),
                bold ? javafx.scene.text.FontWeight.BOLD : javafx.scene.text.FontWeight.NORMAL, 13));
        return Math.ceil(t.getLayoutBounds().getWidth());
    }
}
