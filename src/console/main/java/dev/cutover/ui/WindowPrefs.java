package dev.cutover.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.io.DataDir;
import dev.cutover.io.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the console remembers between runs: window size, last plan, dark theme. Never a password.
 * Kept in a small JSON file, {@code console.json} in the user's data folder ({@link DataDir}),
 * written owner-only and atomically on every change; not java.util.prefs, whose first use prints
 * {@code INFO: Created user preferences directory.} on the terminal (and keeps its files in
 * {@code ~/.java}). A missing or unreadable file means the defaults.
 */
public final class WindowPrefs {
    private static final Logger log = LoggerFactory.getLogger(WindowPrefs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final ObjectNode values;

    public WindowPrefs(Path file) {
        this.file = file;
        this.values = read(file);
    }

    /** The user's: {@code console.json} in the data folder. */
    public static WindowPrefs user() {
        return new WindowPrefs(DataDir.user().resolve("console.json"));
    }

    public Path file() {
        return file;
    }

    private static ObjectNode read(Path file) {
        try {
            if (Files.isRegularFile(file) && JSON.readTree(file.toFile()) instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            log.warn("ignoring the console's settings in {}: {}", file, e.getMessage());
        }
        return JSON.createObjectNode();
    }

    private synchronized void save() {
        try {
            String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(values);
            PrivateFiles.writeAtomically(file, text + "\n");
        } catch (IOException e) {
            log.warn("cannot save the console's settings in {}: {}", file, e.getMessage());
        }
    }

    public synchronized double width() {
        return values.path("width").asDouble(1280);
    }

    public synchronized double height() {
        return values.path("height").asDouble(800);
    }

    public synchronized void size(double w, double h) {
        values.put("width", w);
        values.put("height", h);
        save();
    }

    public synchronized Path lastPlan() {
        String p = values.path("lastPlan").asText(null);
        return p == null ? null : Path.of(p);
    }

    public synchronized void lastPlan(Path p) {
        if (p == null) {
            values.remove("lastPlan");
        } else {
            values.put("lastPlan", p.toAbsolutePath().toString());
        }
        save();
    }

    public synchronized boolean dark() {
        return values.path("dark").asBoolean(false);
    }

    public synchronized void dark(boolean dark) {
        values.put("dark", dark);
        save();
    }
}
