package dev.cutover.ui;

import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.List;
import java.util.Optional;

/**
 * The override of a refused move, as the screens ask it: what the move does, each failing guard
 * once and whole (wrapping), a reason for the audit log (required) and the target typed to
 * confirm; centred over the window. Its fields are {@code #override-what}, {@code #override-reasons},
 * {@code #override-why} and {@code #override-typed}; the dialog's pane has the id given.
 */
public final class OverrideDialog {
    /** The body's width: fits the smallest window (960 px) with the dialog's padding. */
    static final double WIDTH = 560;

    private OverrideDialog() {
    }

    /**
     * What to ask: the pane's {@code id}, the {@code header} question, {@code what} the move does
     * (null: nothing said), the {@code reasons} refused (each failing guard once), the text to type
     * to confirm, and the OK button's text.
     */
    public record Ask(String id, String header, String what, List<String> reasons, String typed, String okText) {
        public Ask {
            reasons = List.copyOf(reasons);
        }
    }

    /** Shows the dialog over {@code owner} (null: none) and waits: the reason given, empty when cancelled. */
    public static Optional<String> ask(Window owner, Ask a) {
        Dialog<String> d = new Dialog<>();
        d.setTitle("Override the guards");
        d.setHeaderText(a.header());
        d.getDialogPane().setId(a.id());
        d.setResizable(true);
        String reasons = String.join("\n\n", a.reasons());
        TextArea shown = new TextArea(reasons);
        shown.setId("override-reasons");
        shown.setEditable(false);
        shown.setWrapText(true);
        shown.setFocusTraversable(false);
        shown.setPrefRowCount(Math.min(12, 2 + a.reasons().size() + reasons.length() / 70));
        shown.getStyleClass().add("error-text");
        TextArea why = new TextArea();
        why.setId("override-why");
        why.setPromptText("why (written to the audit log)");
        why.setWrapText(true);
        why.setPrefRowCount(2);
        TextField typed = new TextField();
        typed.setId("override-typed");
        typed.setPromptText(a.typed());
        // Tab goes on to the confirmation, as in every other field (a text area would type a tab into the reason)
        why.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.TAB && !e.isShiftDown() && !e.isControlDown()) {
                e.consume();
                typed.requestFocus();
            }
        });
        VBox body = new VBox(8);
        if (a.what() != null) {
            Label what = Views.wrapping(new Label(a.what()));
            what.setId("override-what");
            body.getChildren().add(what);
        }
        body.getChildren().addAll(new Label("Refused because:"), shown, new Label("Reason:"), why,
                new Label("Type " + a.typed() + " to confirm:"), typed);
        body.setPrefWidth(WIDTH);
        VBox.setVgrow(shown, Priority.ALWAYS);
        d.getDialogPane().setContent(body);
        ButtonType go = new ButtonType(a.okText(), ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(go, ButtonType.CANCEL);
        // a blank reason is none: the audit log would say nothing
        javafx.scene.control.Button goButton = (javafx.scene.control.Button) d.getDialogPane().lookupButton(go);
        javafx.scene.control.Button cancel = (javafx.scene.control.Button) d.getDialogPane().lookupButton(ButtonType.CANCEL);
        goButton.disableProperty().bind(typed.textProperty().isNotEqualTo(a.typed())
                .or(javafx.beans.binding.Bindings.createBooleanBinding(() -> why.getText().isBlank(), why.textProperty())));
        // Enter is Cancel until a reason and the target are typed; then it is the override the DBA just confirmed
        Runnable defaults = () -> {
            goButton.setDefaultButton(!goButton.isDisabled());
            cancel.setDefaultButton(goButton.isDisabled());
        };
        goButton.disabledProperty().addListener((o, was, now) -> defaults.run());
        defaults.run();
        // the reason first: the DBA types at once (the refusal above is read, not edited)
        // (after the dialog's own first focus, which goes to its default button)
        d.setOnShown(e -> javafx.application.Platform.runLater(why::requestFocus));
        d.setResultConverter(b -> b == go ? why.getText().strip() : null);
        if (owner != null) {
            d.initOwner(owner); // centred over the window
        }
        return d.showAndWait();
    }
}
