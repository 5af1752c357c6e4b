package dev.cutover.ui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The packaging smoke test ({@code -Dcutover.smokeTest=true}, see dev.cutover.Main): opens the real
 * console, waits until one of its windows is showing, closes it through {@link Platform#exit()} (so
 * the console's stop() runs) and exits 0; exits 1 if the console fails or shows nothing within
 * {@code cutover.smokeTest.seconds} (default 90).
 */
public final class SmokeTest {
    private SmokeTest() {
    }

    public static void open(String[] args) {
        long seconds = Long.getLong("cutover.smokeTest.seconds", 90);
        Thread watcher = new Thread(() -> watch(seconds), "smoke-test");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Application.launch(ConsoleApp.class, args);
        } catch (RuntimeException e) {
            System.out.println("smoke test: FAIL: the console did not start: " + e);
            System.exit(1);
        }
        System.out.println("smoke test: console closed cleanly");
        System.exit(0);
    }

    private static void watch(long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String title = showing();
            if (title != null) {
                System.out.println("smoke test: console window shown: " + title);
                Platform.runLater(Platform::exit);
                return;
            }
            sleep(200);
        }
        System.out.println("smoke test: FAIL: no console window within " + seconds + " s");
        System.exit(1);
    }

    /** The title of a showing window, or null; asked on the FX thread once the toolkit runs. */
    private static String showing() {
        CompletableFuture<String> f = new CompletableFuture<>();
        try {
            Platform.runLater(() -> f.complete(Window.getWindows().stream().filter(Window::isShowing)
                    .map(w -> w instanceof Stage s ? String.valueOf(s.getTitle()) : w.toString()).findFirst().orElse(null)));
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null; // toolkit not started yet, or busy
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
