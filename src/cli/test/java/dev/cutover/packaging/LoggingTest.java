package dev.cutover.packaging;

import dev.cutover.testing.NeedsServers;
import dev.cutover.cli.Logging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log file and {@code --verbose} as a user meets them: each case runs the real entry point
 * (dev.cutover.Main with the real logging configuration, {@code Logging.Config}) in its own JVM, so the logging setup of one case
 * can't leak into another or into the rest of the suite.
 */
@NeedsServers
class LoggingTest {

    record Run(int status, String out, String err) {
    }

    static Run cutover(Map<String, String> env, String... args) throws Exception {
        return cutover(List.of(), env, args);
    }

    static Run cutover(List<String> jvmArgs, Map<String, String> env, String... args) throws Exception {
        return run("dev.cutover.Main", jvmArgs, env, args);
    }

    static Run run(String mainClass, List<String> jvmArgs, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CUTOVER_LOG_DIR");
        pb.environment().remove("CUTOVER_LOG_LEVEL");
        pb.environment().remove("XDG_DATA_HOME");
        pb.environment().putAll(env);
        File out = File.createTempFile("cutover-out", ".txt");
        File err = File.createTempFile("cutover-err", ".txt");
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cutover finished").isTrue();
        Run r = new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        Files.delete(out.toPath());
        Files.delete(err.toPath());
        return r;
    }

    @Test
    void errorIsOneLineAndTheDetailsGoToTheLogFileUnderXdgDataHome(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("missing.json");
        Run r = cutover(Map.of("XDG_DATA_HOME", dir.resolve("data").toString()), "plan", "check", "--plan", plan.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("cutover: " + plan + ": plan file not found\n");
        assertThat(r.out()).isEmpty();

        Path log = dir.resolve("data/cutover/logs/cutover.log");
        assertThat(log).exists();
        String text = Files.readString(log);
        assertThat(text).containsPattern("\\[\\d+\\] INFO  \\[main\\] dev\\.cutover\\.Main - cutover \\S+ started \\(command line\\)")
                .contains("dev.cutover.plan.PlanException: " + plan + ": plan file not found")
                .contains("at dev.cutover.plan.PlanFile.read");
    }

    @Test
    void verboseShowsDebugOnStderrAndStillEndsWithTheOneLineError(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("missing.json");
        Map<String, String> env = Map.of("CUTOVER_LOG_DIR", dir.toString());
        for (List<String> args : List.of(List.of("--verbose", "plan", "check", "--plan", plan.toString()),
                List.of("plan", "check", "--verbose", "--plan", plan.toString()))) {
            Run r = cutover(env, args.toArray(String[]::new));
            assertThat(r.status()).as("%s", args).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).as("%s", args).contains("DEBUG d.cutover.cli.Errors - command failed")
                    .contains("at dev.cutover.plan.PlanFile.read")
                    .endsWith("\ncutover: " + plan + ": plan file not found\n");
        }
        assertThat(dir.resolve("cutover.log")).exists();
    }

    /** Logs one warning with a chained exception through the real logging configuration, as a library would. */
    public static final class WarnWithCause {
        public static void main(String[] args) {
            org.slf4j.LoggerFactory.getLogger("com.zaxxer.hikari.pool.ProxyConnection").warn("connection marked as broken",
                    new RuntimeException("outer", new IllegalStateException("FATAL: terminating connection")));
        }
    }

    @Test
    void stderrShowsAWarningsExceptionByItsMessagesAndTheFileKeepsTheFrames(@TempDir Path dir) throws Exception {
        Run r = run(WarnWithCause.class.getName(), List.of(), Map.of("CUTOVER_LOG_DIR", dir.toString()));
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("WARN", "connection marked as broken", "java.lang.RuntimeException: outer",
                "Caused by: java.lang.IllegalStateException: FATAL: terminating connection").doesNotContain("\tat ");
        assertThat(Files.readString(dir.resolve("cutover.log"))).contains("connection marked as broken",
                "\tat dev.cutover.packaging.LoggingTest$WarnWithCause.main");
    }

    @Test
    void unusableLogDirectoryFallsBackWithoutNoise(@TempDir Path dir) throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        Run r = cutover(List.of("-Duser.home=" + notADir, "-Djava.io.tmpdir=" + dir.resolve("tmp")),
                Map.of("CUTOVER_LOG_DIR", notADir.resolve("logs").toString(), "XDG_DATA_HOME", notADir.toString()), "--version");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("cutover ").hasLineCount(1);
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(dir.resolve("tmp/cutover-logs-" + System.getProperty("user.name") + "/cutover.log")))
                .contains("started (command line)");
    }

    @Test
    void logDirectoryOrder(@TempDir Path dir) throws Exception {
        Path prop = dir.resolve("prop");
        Path env = dir.resolve("env");
        Path xdg = dir.resolve("xdg");
        Path home = dir.resolve("home");
        Map<String, String> sys = Map.of("user.home", home.toString(), "java.io.tmpdir", dir.resolve("tmp").toString(), "user.name", "dba");

        assertThat(Logging.logDir(Map.of("CUTOVER_LOG_DIR", env.toString(), "XDG_DATA_HOME", xdg.toString())::get,
                with(sys, "cutover.log.dir", prop.toString())::get)).isEqualTo(prop);
        assertThat(Logging.logDir(Map.of("CUTOVER_LOG_DIR", env.toString(), "XDG_DATA_HOME", xdg.toString())::get, sys::get)).isEqualTo(env);
        assertThat(Logging.logDir(Map.of("XDG_DATA_HOME", xdg.toString())::get, sys::get)).isEqualTo(xdg.resolve("cutover/logs"));
        assertThat(Logging.logDir(Map.<String, String>of()::get, sys::get)).isEqualTo(home.resolve(".local/share/cutover/logs"));
        assertThat(home.resolve(".local/share/cutover/logs")).isDirectory();

        // a regular file where the directory should be: every candidate fails, the temp dir is used
        Path file = Files.writeString(dir.resolve("blocker"), "x");
        Map<String, String> blocked = with(sys, "user.home", file.toString());
        assertThat(Logging.logDir(Map.of("XDG_DATA_HOME", file.toString())::get, blocked::get))
                .isEqualTo(dir.resolve("tmp/cutover-logs-dba"));
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        var copy = new java.util.HashMap<>(m);
        copy.put(k, v);
        return copy;
    }
}
