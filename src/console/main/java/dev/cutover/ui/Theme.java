package dev.cutover.ui;

import javafx.scene.Parent;
import javafx.scene.Scene;

/** The one theme (styles/cutover.css on the classpath) in its light and dark variants (style class {@code dark} on the root). */
public final class Theme {
    public static final String CSS = "/dev/cutover/ui/styles/cutover.css";

    private Theme() {
    }

    public static void apply(Scene scene, boolean dark) {
        String url = Theme.class.getResource(CSS).toExternalForm();
        if (!scene.getStylesheets().contains(url)) {
            scene.getStylesheets().add(url);
        }
        dark(scene.getRoot(), dark);
    }

    public static void dark(Parent root, boolean dark) {
        root.getStyleClass().remove("dark");
        if (dark) {
            root.getStyleClass().add("dark");
        }
    }
}
