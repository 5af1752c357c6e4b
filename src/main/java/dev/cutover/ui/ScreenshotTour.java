package dev.cutover.ui;

import dev.cutover.ui.connections.ProfileStore;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/**
 * Opens the console on a real display (scripts/screenshots.sh runs it under Xvfb), visits every
 * screen and writes one PNG per screen: {@code ScreenshotTour OUT_DIR [--dark] [console arguments]}.
 * Uses its own preferences node and a throw-away profile file, so the user's are untouched.
 */
public final class ScreenshotTour {
    private static Path out;
    private static boolean dark;
    private static List<String> consoleArgs;

    public static void main(String[] args) {
        out = Path.of(args[0]);
        consoleArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--dark")) {
                dark = true;
            } else {
                consoleArgs.add(args[i]);
            }
        }
        Application.launch(App.class);
    }

    /** The JavaFX application (a nested class, so the tour's main class is launchable from a plain classpath). */
    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            ScreenshotTour.start(stage);
        }
    }

    static void start(Stage stage) throws Exception {
        Files.createDirectories(out);
        Preferences node = Preferences.userRoot().node("dev/cutover/console-screenshots");
        node.clear();
        WindowPrefs prefs = new WindowPrefs(node);
        prefs.size(1280, 800);
        prefs.dark(dark);
        ProfileStore profiles = new ProfileStore(Files.createTempDirectory("cutover-shots").resolve("profiles.json"));
        Console console = new Console(ConsoleArgs.parse(consoleArgs), prefs, profiles, BackgroundTasks.daemonPool());
        Scene scene = console.show(stage);
        Thread t = new Thread(() -> tour(console, scene), "screenshot-tour");
        t.setDaemon(true);
        t.start();
    }

    private static void tour(Console console, Scene scene) {
        try {
            settle(console, 4000);
            onFx(() -> console.connections().forms().forEach(f -> f.test()));
            settle(console, 3000);
            shoot(scene, "connections");
            onFx(() -> console.window().show("mappings"));
            settle(console, 2500);
            onFx(() -> {
                var vm = console.mappings();
                vm.tableIndex().set(vm.plan().get() == null ? -1 : vm.plan().get().tables().size() - 1);
            });
            settle(console, 2500);
            onFx(() -> {
                var vm = console.mappings();
                vm.rows().stream().filter(r -> r.status() == dev.cutover.ui.mappings.MappingRow.Status.ERROR)
                        .findFirst().or(() -> vm.rows().stream().findFirst())
                        .ifPresent(r -> vm.selectedTarget().set(r.target()));
            });
            settle(console, 2500);
            shoot(scene, "mappings");
            onFx(() -> console.window().show("traffic-and-phase"));
            settle(console, 3000);
            shoot(scene, "traffic-and-phase");
            for (String s : List.of("backfill", "verify", "shadow-reads")) {
                onFx(() -> console.window().show(s));
                if (s.equals("backfill")) { // a real run at a low cap, shot mid-way (the plan's typo fails one table)
                    onFx(() -> {
                        console.backfill().cap().set(60);
                        console.backfill().start();
                    });
                    Thread.sleep(6000);
                }
                settle(console, 2500);
                shoot(scene, s);
            }
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            Platform.exit();
            System.exit(0);
        }
    }

    /** Waits for background work to finish (and at least {@code ms}). */
    private static void settle(Console console, long ms) throws InterruptedException {
        Thread.sleep(ms);
        for (int i = 0; i < 100; i++) {
            boolean[] busy = new boolean[1];
            onFx(() -> busy[0] = !console.tasks().running().isEmpty());
            if (!busy[0]) {
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep(300);
    }

    private static void shoot(Scene scene, String name) throws Exception {
        WritableImage[] img = new WritableImage[1];
        onFx(() -> img[0] = scene.snapshot(null));
        Path file = out.resolve(name + ".png");
        try {
            ImageIO.write(SwingFXUtils.fromFXImage(img[0], null), "png", file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + file);
    }

    private static void onFx(Runnable r) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        done.await();
    }
}
