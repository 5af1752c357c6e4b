package dev.cutover.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test run's start and end (registered in META-INF/services): before the first test, the
 * preferences folder under target/ exists (java.util.prefs would otherwise announce "Created user
 * preferences directory." on the terminal); after the last, the test servers ({@link TestServers})
 * are stopped and deleted, not left to the JVM's shutdown hook.
 */
public final class TestSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String root = System.getProperty("java.util.prefs.userRoot");
        if (root != null) {
            try {
                Files.createDirectories(Path.of(root, ".java", ".userPrefs"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestServers.stopAll();
    }
}
