package dev.cutover.ui;

import dev.cutover.ui.connections.ProfileStore;
import javafx.application.Application;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

/** The console's JavaFX application: {@code cutover [--plan F] [--old URL] [--new URL] [--redis URL]}. */
public final class ConsoleApp extends Application {
    private Console console;

    /** Opens the console (called by dev.cutover.Main when the jar runs without a command, and by the demo). */
    public static void open(String[] args) {
        Application.launch(ConsoleApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        ConsoleArgs args;
        String argError = null;
        try {
            args = ConsoleArgs.parse(getParameters().getRaw());
        } catch (IllegalArgumentException e) {
            args = ConsoleArgs.none();
            argError = e.getMessage();
        }
        console = new Console(args, WindowPrefs.user(), ProfileStore.user(), BackgroundTasks.daemonPool());
        console.show(stage);
        if (argError != null) {
            Alert a = new Alert(Alert.AlertType.ERROR, argError);
            a.setHeaderText("Console arguments ignored");
            a.initOwner(stage);
            a.show();
        }
    }

    @Override
    public void stop() {
        if (console != null) {
            console.close();
        }
    }
}
