package dev.cutover.ui;

import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;

/**
 * A confirmation before an action that writes or throws work away: Enter (and the focus when the
 * dialog opens) is Cancel's, the other button is pressed on purpose (as on Traffic & phase's move).
 */
public final class CancelFirst {
    private CancelFirst() {
    }

    /** Makes the Cancel button of {@code confirm} its default and focused one, and no other button the default. */
    public static Alert on(Alert confirm) {
        for (ButtonType t : confirm.getButtonTypes()) {
            Node n = confirm.getDialogPane().lookupButton(t);
            if (n instanceof Button b) {
                boolean cancel = t.getButtonData() == ButtonBar.ButtonData.CANCEL_CLOSE;
                b.setDefaultButton(cancel);
                if (cancel) {
                    confirm.setOnShown(e -> b.requestFocus());
                }
            }
        }
        return confirm;
    }
}
