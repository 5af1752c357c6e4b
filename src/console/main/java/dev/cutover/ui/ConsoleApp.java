package dev.cutover.ui;

import dev.cutover.ui.connections.ProfileStore;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** The console's JavaFX application: {@code cutover [--plan F] [--old URL] [--new URL] [--redis URL]}. */
public final class ConsoleApp extends Application {
    private Console console;

    /**
     * JavaFX's logger (java.util.logging), held strongly: its "Unsupported JavaFX configuration"
     * warning at every start (the jar runs JavaFX from the class path, which works) is dropped;
     * every other message, and those of its children (CSS, …), still shows.
     */
    private static final java.util.logging.Logger FX_LOG = java.util.logging.Logger.getLogger("javafx");

    /**
     * Opens the console (called by dev.cutover.Main when the jar runs without a command, and by the
     * demo) and returns when it is closed, by its window or by Ctrl-C / SIGTERM / SIGHUP (its
     * terminal closed), which close it
     * like its window so a caller waiting for it (the demo prints its figures) goes on.
     */
    public static void open(String[] args) {
        FX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        List<Runnable> restore = closeOnSignals("INT", "TERM", "HUP");
        try {
            Application.launch(ConsoleApp.class, args);
        } finally {
            restore.forEach(Runnable::run);
        }
    }

    /**
     * Handles the signals before the JVM's shutdown begins: from a shutdown hook the console
     * cannot be closed any more (the toolkit's own hook takes the FX thread down first, so the
     * application's stop never runs and launch never returns). A second signal ends the JVM at once.
     * Returns what puts the previous handlers back.
     */
    private static List<Runnable> closeOnSignals(String... names) {
        List<Runnable> restore = new ArrayList<>();
        AtomicBoolean asked = new AtomicBoolean();
        for (String name : names) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> {
                    if (asked.getAndSet(true)) {
                        Runtime.getRuntime().exit(128 + s.getNumber());
                    }
                    Platform.exit();
                });
                restore.add(() -> sun.misc.Signal.handle(signal, previous));
            } catch (IllegalArgumentException e) {
                // no such signal here, or the JVM keeps it: the default stays
            }
        }
        return restore;
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
