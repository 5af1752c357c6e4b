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

/**
 * Opens the console on a real display (scripts/screenshots.sh runs it under Xvfb), visits every
 * screen and writes one PNG per screen: {@code ScreenshotTour OUT_DIR [--dark] [console arguments]}.
 * Uses its own preferences node and a throw-away profile file, so the user's are untouched.
 */
public final class ScreenshotTour {
    private static Path out;
    private static boolean dark;
    private static double width = 1280;
    private static double height = 800;
    private static List<String> consoleArgs;

    public static void main(String[] args) {
        out = Path.of(args[0]);
        consoleArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--dark")) {
                dark = true;
            } else if (args[i].equals("--size") && i + 1 < args.length && args[i + 1].matches("\\d+x\\d+")) {
                String[] wh = args[++i].split("x");
                width = Double.parseDouble(wh[0]);
                height = Double.parseDouble(wh[1]);
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
        Path prefsFile = Files.createTempDirectory("cutover-shots-prefs").resolve("console.json");
        WindowPrefs prefs = new WindowPrefs(prefsFile);
        prefs.size(width, height);
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
            mappings(console, scene);
            backfill(console, scene);
            verify(console, scene);
            shadow(console, scene);
            onFx(() -> console.window().show("traffic-and-phase"));
            settle(console, 3000);
            shoot(scene, "traffic-and-phase");
            // the streams as this server has them: on one without wal_level = logical, Start is refused with the reason
            onFx(() -> console.window().show("change-capture"));
            settle(console, 3000);
            shoot(scene, "change-capture");
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            Platform.exit();
            System.exit(0);
        }
    }

    /** The orders table with the plan's typo selected, after a plan check; then the typo is fixed and saved. */
    private static void mappings(Console console, Scene scene) throws Exception {
        var vm = console.mappings();
        onFx(() -> console.window().show("mappings"));
        settle(console, 2500);
        onFx(() -> vm.tableIndex().set(vm.plan().get() == null ? -1 : vm.plan().get().tables().size() - 1));
        settle(console, 2500);
        onFx(() -> vm.rows().stream().filter(r -> r.status() == dev.cutover.ui.mappings.MappingRow.Status.ERROR)
                .findFirst().or(() -> vm.rows().stream().findFirst())
                .ifPresent(r -> vm.selectedTarget().set(r.target())));
        onFx(vm::runCheck);
        settle(console, 2500);
        shoot(scene, "mappings");
        onFx(() -> {
            String typo = vm.expr().get();
            if (typo.contains("total_amont")) {
                vm.editExpr(typo.replace("total_amont", "total_amount"));
                vm.save();
            }
        });
        settle(console, 1000);
    }

    /** A real run: a high cap, then a lower one (the chart steps down), shot mid-way; then uncapped to the end. */
    private static void backfill(Console console, Scene scene) throws Exception {
        var vm = console.backfill();
        onFx(() -> console.window().show("backfill"));
        onFx(() -> {
            vm.cap().set(1500);
            vm.start();
        });
        Thread.sleep(9000);
        onFx(() -> vm.cap().set(400));
        Thread.sleep(9000);
        shoot(scene, "backfill");
        onFx(() -> vm.cap().set(0));
        waitWhile(console, () -> vm.running().get(), 180);
        settle(console, 1500);
    }

    /** Differences of every kind planted in the new database, a full verify from the screen, one difference selected. */
    private static void verify(Console console, Scene scene) throws Exception {
        ScreenshotData.plantDifferences(console.session().newDb().get());
        var vm = console.verify();
        onFx(() -> console.window().show("verify"));
        onFx(vm::verify);
        Thread.sleep(1000);
        waitWhile(console, () -> vm.running().get(), 180);
        onFx(() -> {
            @SuppressWarnings("unchecked")
            var list = (javafx.scene.control.TableView<dev.cutover.verify.Difference>) scene.lookup("#verify-differences");
            for (int i = 0; list != null && i < list.getItems().size(); i++) {
                var d = list.getItems().get(i);
                if (d.kind() == dev.cutover.verify.Difference.Kind.DIFFERENT && d.keyText().equals(List.of(Long.toString(ScreenshotData.SHOWN_ORDER)))) {
                    list.getSelectionModel().select(i);
                    list.scrollTo(i);
                }
            }
        });
        settle(console, 1500);
        shoot(scene, "verify");
    }

    /** Five minutes of router metrics and the burst's samples written to Redis; the newest sample selected. */
    private static void shadow(Console console, Scene scene) throws Exception {
        ScreenshotData.metrics(console.session().redisUrl().get(), console.session().migration().get(),
                System.currentTimeMillis() / 1000);
        onFx(() -> console.window().show("shadow-reads"));
        settle(console, 3000);
        onFx(() -> {
            var table = (javafx.scene.control.TableView<?>) scene.lookup("#shadow-samples");
            if (table != null && !table.getItems().isEmpty()) {
                table.getSelectionModel().select(0);
            }
        });
        settle(console, 1000);
        shoot(scene, "shadow-reads");
    }

    private static void waitWhile(Console console, java.util.function.BooleanSupplier busy, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10; i++) {
            boolean[] b = new boolean[1];
            onFx(() -> b[0] = busy.getAsBoolean());
            if (!b[0]) {
                return;
            }
            Thread.sleep(100);
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
