package dev.cutover.ui;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.TextInputControl;

/**
 * A confirmation before an action that writes, warns or throws work away: Enter is Cancel's, the
 * other button is pressed on purpose (as on Traffic & phase's move). The focus opens on Cancel, or
 * on the dialog's text field when it asks for one (a reason), so the DBA can type at once.
 */
public final class CancelFirst {
    private CancelFirst() {
    }

    /** Makes the Cancel button of {@code confirm} its default (and focused, without a text field) one, and no other button the default. */
    public static <D extends Dialog<?>> D on(D confirm) {
        for (ButtonType t : confirm.getDialogPane().getButtonTypes()) {
            Node n = confirm.getDialogPane().lookupButton(t);
            if (n instanceof Button b) {
                boolean cancel = t.getButtonData() == ButtonBar.ButtonData.CANCEL_CLOSE;
                b.setDefaultButton(cancel);
                if (cancel && !asksForText(confirm.getDialogPane().getContent())) {
                    confirm.setOnShown(e -> b.requestFocus());
                }
            }
        }
        return confirm;
    }

    private static boolean asksForText(Node content) {
        return content != null && (content instanceof TextInputControl || !content.lookupAll(".text-input").isEmpty());
    }
}
