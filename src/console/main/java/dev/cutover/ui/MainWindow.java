package dev.cutover.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The window's frame: a header (plan, theme toggle), the sidebar that switches screens, the
 * screen shown, and the status bar. Keyboard shortcuts act on the screen shown.
 */
public final class MainWindow extends BorderPane {
    private final Map<String, Screen> screens = new LinkedHashMap<>();
    private final Map<String, ToggleButton> buttons = new LinkedHashMap<>();
    private final StackPane content = new StackPane();
    private final ToggleGroup nav = new ToggleGroup();
    private final ToggleButton themeToggle = new ToggleButton();
    private Screen current;

    public MainWindow(List<Screen> screenList, StatusBar statusBar, StringExpression planLabel, boolean dark) {
        getStyleClass().add("main-window");
        VBox sidebar = new VBox();
        sidebar.getStyleClass().add("sidebar");
        Label brand = new Label("Cutover");
        brand.getStyleClass().add("brand");
        sidebar.getChildren().add(brand);
        for (Screen s : screenList) {
            String key = key(s.title());
            screens.put(key, s);
            ToggleButton b = new ToggleButton(s.title());
            b.setId("nav-" + key);
            b.getStyleClass().add("nav-button");
            b.setMaxWidth(Double.MAX_VALUE);
            b.setToggleGroup(nav);
            b.setOnAction(e -> show(key));
            buttons.put(key, b);
            sidebar.getChildren().add(b);
        }
        Region spring = new Region();
        VBox.setVgrow(spring, Priority.ALWAYS);
        themeToggle.setId("theme-toggle");
        themeToggle.getStyleClass().add("theme-toggle");
        themeToggle.setMaxWidth(Double.MAX_VALUE);
        themeToggle.setSelected(dark);
        themeToggle.textProperty().bind(Bindings.when(themeToggle.selectedProperty()).then("Light theme").otherwise("Dark theme"));
        themeToggle.selectedProperty().addListener((o, a, b) -> Theme.dark(this, b));
        Theme.dark(this, dark);
        Label shortcuts = new Label("Ctrl+S  save\nCtrl+Z  undo\nCtrl+Shift+Z  redo\nCtrl+Enter  run / check\nCtrl+1…7  screens");
        shortcuts.getStyleClass().add("hint");
        sidebar.getChildren().addAll(spring, shortcuts, themeToggle);

        Label plan = new Label();
        plan.setId("header-plan");
        plan.textProperty().bind(planLabel);
        HBox header = new HBox(plan);
        header.getStyleClass().add("header");
        header.setAlignment(Pos.CENTER_LEFT);

        content.getStyleClass().add("content");
        BorderPane main = new BorderPane(content);
        main.setTop(header);
        setLeft(sidebar);
        setCenter(main);
        setBottom(statusBar);
        show(key(screenList.get(0).title()));
    }

    /** Shows the screen with this title (or key, e.g. "mappings"). */
    public void show(String titleOrKey) {
        String key = key(titleOrKey);
        Screen s = screens.get(key);
        if (s == null) {
            throw new IllegalArgumentException("no screen " + titleOrKey);
        }
        current = s;
        // a window shorter (or narrower) than a screen's least size scrolls instead of cutting it off
        ScrollPane scroll = new ScrollPane(s.view());
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.getStyleClass().add("screen-scroll");
        content.getChildren().setAll(scroll);
        buttons.get(key).setSelected(true);
        s.shown();
    }

    public Screen current() {
        return current;
    }

    public boolean dark() {
        return themeToggle.isSelected();
    }

    public javafx.beans.property.BooleanProperty darkProperty() {
        return themeToggle.selectedProperty();
    }

    /** Installs the window-wide shortcuts on the scene. */
    public void installShortcuts(Scene scene) {
        var acc = scene.getAccelerators();
        acc.put(new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN), () -> current.save());
        acc.put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN), () -> current.undo());
        acc.put(new KeyCodeCombination(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), () -> current.redo());
        acc.put(new KeyCodeCombination(KeyCode.Y, KeyCombination.SHORTCUT_DOWN), () -> current.redo());
        acc.put(new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN), () -> current.run());
        int i = 1;
        for (String key : screens.keySet()) {
            KeyCode digit = KeyCode.valueOf("DIGIT" + i++);
            acc.put(new KeyCodeCombination(digit, KeyCombination.SHORTCUT_DOWN), () -> show(key));
        }
    }

    static String key(String title) {
        return title.toLowerCase(Locale.ROOT).replace("&", "and").replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }
}
