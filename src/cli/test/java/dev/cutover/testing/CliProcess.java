package dev.cutover.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs {@code cutover} in a separate JVM (so a test can really kill it) with this test's class path,
 * output to a log file; its own log file and preferences stay under {@code target/}.
 */
public final class CliProcess {
    private CliProcess() {
    }

    public static Process start(Path log, String... args) throws IOException {
        return start(log, List.of(), java.util.Map.of(), args);
    }

    /** The same with JVM options (e.g. {@code -Djava.io.tmpdir=…}) and environment variables of the child's own. */
    public static Process start(Path log, List<String> jvmOptions, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(java());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.cutover.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = isolated(new ProcessBuilder(cmd));
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * The {@code java} command of a child JVM, with its preferences (the console's window
     * positions) under {@code target/test-prefs} instead of {@code ~/.java}.
     */
    public static List<String> java() {
        Path prefs = TestServers.buildDir().resolve("test-prefs");
        try {
            // made here, so the child does not announce "Created user preferences directory." on its stderr
            Files.createDirectories(prefs.resolve(".java/.userPrefs"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + prefs + ": " + e.getMessage(), e);
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.util.prefs.userRoot=" + prefs);
    }

    /**
     * A child process's environment without the user's home in it: its log file goes to
     * {@code target/test-logs/cli} ({@code CUTOVER_LOG_DIR}), not {@code ~/.local/share/cutover/logs}.
     */
    public static ProcessBuilder isolated(ProcessBuilder pb) {
        pb.environment().put("CUTOVER_LOG_DIR", TestServers.buildDir().resolve("test-logs").resolve("cli").toString());
        return pb;
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

    /** The log so far, or "" when it cannot be read (for conditions polled while the process writes it). */
    public static String output(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls {@code cond} every 50 ms until it holds; fails after the timeout with the process output (when a log is given). */
    public static void await(String what, long timeoutMillis, BooleanSupplier cond, Path log) throws Exception {
        try {
            org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofMillis(timeoutMillis))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(cond::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + (log == null ? "" : "; process output:\n" + read(log)), e);
        }
    }
}
