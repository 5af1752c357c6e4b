package dev.cutover.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Runs {@code cutover} in a separate JVM (so a test can really kill it) with this test's class path, output to a log file. */
public final class CliProcess {
    private CliProcess() {
    }

    public static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.cutover.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A temporary log file, deleted when the JVM exits. */
    public static Path log() throws IOException {
        Path f = Files.createTempFile("cutover-cli", ".log");
        f.toFile().deleteOnExit();
        return f;
    }

    public static String read(Path log) throws IOException {
        return Files.readString(log);
    }

    /** Polls {@code cond} every 50 ms until it holds; fails after the timeout with the process output (when a log is given). */
    public static void await(String what, long timeoutMillis, BooleanSupplier cond, Path log) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what + (log == null ? "" : "; process output:\n" + read(log)));
    }
}
