package dev.cutover.ui;

import dev.cutover.ui.connections.ProfileStore;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole console as {@code cutover console ARGS} opens it, shown on {@code stage}, for the tests
 * that look at a screen inside the real window (sizes, scrolling, polling): its window size and
 * saved profiles in files of their own under {@code dir}, never the user's.
 */
public final class TestConsole {
    private TestConsole() {
    }

    /** Opens the console with {@code args} on {@code stage}; the caller closes it. */
    public static Console open(Stage stage, Path dir, String... args) {
        Console console = new Console(ConsoleArgs.parse(List.of(args)),
                new WindowPrefs(dir.resolve("console-" + System.nanoTime() + ".json")),
                new ProfileStore(dir.resolve("profiles-" + System.nanoTime() + ".json")), BackgroundTasks.daemonPool());
        console.show(stage);
        return console;
    }
}
