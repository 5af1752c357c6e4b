package dev.cutover.ui;

import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.controlsfx.dialog.ExceptionDialog;

/**
 * Shows a failure where it happened: one line of words, and a "Details" link that opens the
 * full exception (ControlsFX ExceptionDialog). Hidden while there is nothing to show.
 */
public final class ErrorLine extends HBox {
    private final Label text = new Label();
    private final Hyperlink details = new Hyperlink("Details…");
    private Throwable error;

    public ErrorLine() {
        getStyleClass().add("error-line");
        text.getStyleClass().add("error-text");
        text.setWrapText(true);
        text.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // every wrapped line, also in a short window
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        details.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the link keeps its word beside a long line
        details.setOnAction(e -> {
            if (error != null) {
                ExceptionDialog d = new ExceptionDialog(error);
                d.setHeaderText(text.getText());
                d.initOwner(getScene() == null ? null : getScene().getWindow());
                d.show();
            }
        });
        getChildren().addAll(text, details);
        clear();
    }

    public void show(Throwable t) {
        show(Problems.oneLine(t), t);
    }

    public void show(String line, Throwable t) {
        error = t;
        text.setText(line);
        details.setVisible(t != null);
        details.setManaged(t != null);
        setVisible(true);
        setManaged(true);
    }

    public void clear() {
        error = null;
        text.setText("");
        setVisible(false);
        setManaged(false);
    }

    public String text() {
        return isVisible() ? text.getText() : "";
    }
}
