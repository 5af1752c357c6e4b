package dev.cutover.ui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;

/**
 * Keeps the keyboard focus where the DBA left it when the button used gets disabled for a run
 * (Verify, Repair all, Start): without this the scene moves the focus on to the next control, and the
 * window's scroll pane scrolls to show it, so the screen jumps. While the button is disabled its
 * screen holds the focus (a focus asked for, not traversed to: nothing scrolls), and the button gets
 * it back when it is enabled again after the run, unless the DBA has put it elsewhere meanwhile.
 */
public final class KeptFocus {
    private KeptFocus() {
    }

    /** Keeps the focus of each of {@code buttons} on {@code screen} (their parent, at some depth) over their disabled time. */
    public static void on(Parent screen, ButtonBase... buttons) {
        for (ButtonBase b : buttons) {
            ButtonBase[] waiting = {null};
            b.disabledProperty().addListener((o, was, disabled) -> {
                if (disabled && b.isFocused() && b.getScene() != null) {
                    waiting[0] = b;
                    screen.requestFocus();
                } else if (!disabled && waiting[0] == b) {
                    waiting[0] = null;
                    Node owner = b.getScene() == null ? null : b.getScene().getFocusOwner();
                    if (owner == null || owner == screen) {
                        b.requestFocus();
                    }
                }
            });
        }
    }
}
