package dev.cutover.ui;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Node;

/**
 * One screen of the console (a view over its view-model). The window's shortcuts act on the
 * screen shown: Ctrl+S save, Ctrl+Z / Ctrl+Shift+Z undo/redo, Ctrl+Enter run.
 */
public interface Screen {
    String title();

    Node view();

    default void save() {
    }

    default void undo() {
    }

    default void redo() {
    }

    default void run() {
    }

    /** Unsaved changes (shown in the window title). */
    default ReadOnlyBooleanProperty dirty() {
        return new SimpleBooleanProperty(false);
    }

    /** Called when the screen is shown. */
    default void shown() {
    }
}
