package dev.cutover.ui;

import dev.cutover.ui.connections.ProfileStore;
import javafx.application.Application;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

/** The console's JavaFX application: {@code cutover [--plan F] [--old URL] [--new URL] [--redis URL]}. */
public final class ConsoleApp extends Application {
    private Console console;

    /** JavaFX warns (through java.util.logging) when it runs from the class path, as the jar does; kept quiet, held strongly. */
    private static final java.util.logging.Logger FX_STARTUP = java.util.logging.Logger.getLogger("com.sun.javafx.application.PlatformImpl");

    /**
     * Opens the console (called by dev.cutover.Main when the jar runs without a command, and by the
     * demo) and returns when it is closed, by its window or by Ctrl-C / SIGTERM: the console is then
     * closed like its window, so a caller waiting for it (the demo prints its figures) goes on.
     */
    public static void open(String[] args) {
        FX_STARTUP.setLevel(java.util.logging.Level.SEVERE);
        Thread closeOnSignal = new Thread(javafx.application.Platform::exit, "console-stop");
        Runtime.getRuntime().addShutdownHook(closeOnSignal);
        try {
            Application.launch(ConsoleApp.class, args);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnSignal);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is what closed the console
            }
        }
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
