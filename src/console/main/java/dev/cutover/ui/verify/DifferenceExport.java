package dev.cutover.ui.verify;

import dev.cutover.app.CsvExport;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import dev.cutover.verify.Difference;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The Verify screen's "Export CSV": the listed differences written through the app layer's
 * {@link CsvExport} (owner-only, replaced atomically) on {@link BackgroundTasks}, and the status
 * line it ends with. The rows are copied when the export starts, so a list changing meanwhile does
 * not change the file.
 */
final class DifferenceExport {
    private final BackgroundTasks tasks;

    DifferenceExport(BackgroundTasks tasks) {
        this.tasks = tasks;
    }

    /** Writes {@code rows} to {@code file}; {@code done} gets the status line, {@code failed} the status line and the cause (FX thread). */
    void csv(Path file, List<Difference> rows, Consumer<String> done, BiConsumer<String, Throwable> failed) {
        List<Difference> copy = List.copyOf(rows);
        tasks.run("Export CSV", progress -> CsvExport.differences(file, copy::forEach), count -> done.accept(exported(count, file)),
                t -> failed.accept("Export to " + file + " failed: " + Problems.oneLine(t), t));
    }

    /** {@code Exported 1,234 differences to x.csv (owner-only, mode 0600).} */
    static String exported(long count, Path file) {
        return "Exported " + String.format("%,d", count) + " differences to " + file.getFileName() + " (" + CsvExport.PERMISSIONS + ").";
    }
}
