package dev.cutover.backfill;

import dev.cutover.testing.CliProcess;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** The backfill tests' plan files and child processes ({@link CliProcess}). */
final class Cli {
    private Cli() {
    }

    static Process start(Path log, String... args) throws IOException {
        return CliProcess.start(log, args);
    }

    static Path plan(Orders o, String migration) throws IOException {
        return plan(o, migration, Orders.CENTS);
    }

    static Path plan(Orders o, String migration, String centsExpr) throws IOException {
        Path f = Files.createTempFile("cutover-plan", ".json");
        Files.writeString(f, Orders.planJson(migration, centsExpr));
        f.toFile().deleteOnExit();
        return f;
    }

    static Path log() throws IOException {
        return CliProcess.log();
    }

    static String read(Path log) throws IOException {
        return CliProcess.read(log);
    }

    static void await(String what, long timeoutMillis, BooleanSupplier cond, Path log) throws Exception {
        CliProcess.await(what, timeoutMillis, cond, log);
    }

    static String separator() {
        return File.pathSeparator;
    }
}
