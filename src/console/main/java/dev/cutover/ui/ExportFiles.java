package dev.cutover.ui;

import javafx.stage.FileChooser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The export dialogs' start: the folder last exported to in this session (else the user's home)
 * and a file name that says what and when ({@code saas-orders-verify-2026-12-07T10-19.csv}, UTC).
 * The files themselves are written owner-only ({@code io.PrivateFiles}), which the dialog says.
 */
public final class ExportFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm").withZone(ZoneOffset.UTC);
    private static volatile Path lastFolder;

    private ExportFiles() {
    }

    /** {@code <plan>-<what>-<UTC minute>.csv}, anything but letters, digits, '.', '_' and '-' in the plan name as '-'. */
    public static String name(String plan, String what, Instant at) {
        String p = plan == null || plan.isBlank() ? "cutover" : plan.replaceAll("[^A-Za-z0-9._-]", "-");
        return p + "-" + what + "-" + STAMP.format(at) + ".csv";
    }

    /** The folder last exported to (while it exists), else the user's home. */
    public static Path initialFolder() {
        Path last = lastFolder;
        return last != null && Files.isDirectory(last) ? last : Path.of(System.getProperty("user.home"));
    }

    /** Remembers the folder of a chosen file for the next export dialog. */
    public static void used(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            lastFolder = dir;
        }
    }

    /** A save dialog titled {@code title} (saying the file is owner-only), in {@link #initialFolder}, named by {@link #name}. */
    public static FileChooser chooser(String title, String plan, String what) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title + " (written owner-only, mode 0600)");
        File dir = initialFolder().toFile();
        if (dir.isDirectory()) {
            fc.setInitialDirectory(dir);
        }
        fc.setInitialFileName(name(plan, what, Instant.now()));
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
        return fc;
    }
}
