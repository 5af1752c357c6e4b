package dev.cutover.app;

import dev.cutover.io.PrivateFiles;
import dev.cutover.verify.Difference;
import dev.cutover.verify.DifferenceCsv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The CSV exports of both front ends, written once: a temporary file in the target folder, moved
 * over the target atomically, owner-only (0600) through {@link PrivateFiles#writeAtomically}, in
 * the one CSV format of {@link DifferenceCsv} ({@code dev.cutover.io.CsvWriter}).
 */
public final class CsvExport {
    /** What the export dialogs and messages say of the files. */
    public static final String PERMISSIONS = "owner-only, mode 0600";

    private CsvExport() {
    }

    /**
     * Writes every difference {@code source} hands over to {@code file}; returns how many. The
     * folder must exist: a file name in a missing folder is a typing error, refused in one line
     * before anything runs.
     */
    public static long differences(Path file, Consumer<Consumer<Difference>> source) throws IOException {
        requireFolder(file);
        AtomicLong n = new AtomicLong();
        PrivateFiles.writeAtomically(file, w -> {
            DifferenceCsv csv = new DifferenceCsv(w);
            source.accept(d -> {
                csv.write(d);
                n.incrementAndGet();
            });
            csv.flush();
        });
        return n.get();
    }

    /** Refuses a file whose folder does not exist (one line: which file, which folder). */
    public static void requireFolder(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(file + ": the folder " + dir + " does not exist");
        }
    }
}
