package dev.cutover.ui;

import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The JavaFX application thread for plain JUnit tests of view-model parts, without a window: the
 * toolkit is started the way TestFX starts it (its primary stage is never shown), so these tests
 * and the TestFX ones share one toolkit in the test JVM. {@link BackgroundTasks} hands results to
 * this thread, and properties the screen binds are set on it.
 */
public final class FxThread {
    private FxThread() {
    }

    /** Starts the toolkit once per JVM (later calls return at once). */
    public static void start() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    /** Runs {@code c} on the FX thread and returns its value (its exception is thrown here). */
    public static <T> T call(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
    }

    /** Runs {@code r} on the FX thread and waits for it. */
    public static void run(Runnable r) throws Exception {
        call(() -> {
            r.run();
            return null;
        });
    }
}
