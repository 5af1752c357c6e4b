package dev.cutover.backfill;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Runs {@code cutover} in a separate JVM (so a test can really kill it) with this test's class path. */
final class Cli {
    private Cli() {
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.cutover.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
        Path f = Files.createTempFile("cutover-cli", ".log");
        f.toFile().deleteOnExit();
        return f;
    }

    static String read(Path log) throws IOException {
        return Files.readString(log);
    }

    static void await(String what, long timeoutMillis, BooleanSupplier cond, Path log) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what + (log == null ? "" : "; process output:\n" + read(log)));
    }

    static String separator() {
        return File.pathSeparator;
    }
}
