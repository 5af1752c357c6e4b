package dev.cutover.packaging;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's start as a user meets it on a fresh machine: the real entry point (dev.cutover.Main
 * with no command) in a child JVM, its stderr and exit status read as they are.
 */
@NeedsServers
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleStartTest {
    static final String GTK_LINE = "cutover: cannot open the console: the GTK 3 libraries are missing (Unable to load glass GTK library);"
            + " on Debian/Ubuntu: sudo apt-get install libgtk-3-0 libxtst6 (the commands work without a display: cutover --help)\n";

    record Run(int status, String out, String err) {
    }

    static Run console(List<String> jvmArgs, Consumer<Map<String, String>> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmArgs);
        cmd.add("dev.cutover.Main");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CUTOVER_LOG_LEVEL");
        env.accept(pb.environment());
        File out = File.createTempFile("console-out", ".txt");
        File err = File.createTempFile("console-err", ".txt");
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("the console ended").isTrue();
            return new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        } finally {
            p.destroyForcibly();
            Files.delete(out.toPath());
            Files.delete(err.toPath());
        }
    }

    /**
     * GTK 3 missing (a minimal or server install): glass links to libgtk-3.so.0, so a library of that
     * name that cannot be loaded, found first through LD_LIBRARY_PATH, is the same failure on a
     * machine that has GTK. Needs an X display (without one JavaFX stops earlier, at the display):
     * a private Xvfb.
     */
    /**
     * Seen on a fresh Debian 12 with libgtk-3-0 but without libxtst6: glass's resource copy fails to
     * link, and JavaFX then reports only that glassgtk3 is not on java.library.path.
     */
    @Test
    void aGlassLibraryThatCannotLinkNamesThePackagesToo() {
        String line = dev.cutover.cli.ConsoleFrontEnd.problem(new RuntimeException(new UnsatisfiedLinkError(
                "no glassgtk3 in java.library.path: /usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni")));
        assertThat(line).startsWith("the GTK 3 libraries are missing").endsWith("sudo apt-get install libgtk-3-0 libxtst6");
    }

    @Test
    void withoutGtkTheOneLineNamesThePackagesToInstall(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(lib.resolve("libgtk-3.so.0"), "not a shared library: GTK 3 is not installed\n");
        try (Xvfb x = Xvfb.start()) {
            Run r = console(List.of("-Dglass.platform=gtk", "-Duser.home=" + dir.resolve("home")), env -> {
                env.put("DISPLAY", x.display());
                env.remove("WAYLAND_DISPLAY");
                env.put("LD_LIBRARY_PATH", lib.toString());
                env.put("XDG_DATA_HOME", dir.resolve("data").toString());
            });
            assertThat(r.err()).isEqualTo(GTK_LINE);
            assertThat(r.out()).isEmpty();
            assertThat(r.status()).isEqualTo(2);
        }
    }

    @Test
    void withoutADisplayTheOneLineSaysSo(@TempDir Path dir) throws Exception {
        Run r = console(List.of("-Dglass.platform=gtk", "-Duser.home=" + dir.resolve("home")), env -> {
            env.remove("DISPLAY");
            env.remove("WAYLAND_DISPLAY");
            env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        });
        assertThat(r.err()).isEqualTo("cutover: cannot open the console: no display (DISPLAY is not set): run it in a desktop session"
                + " or over 'ssh -X' (the commands work without a display: cutover --help)\n");
        assertThat(r.out()).isEmpty();
        assertThat(r.status()).isEqualTo(2);
    }

    /**
     * The console opens (headless, Monocle) and closes in a home folder it has never seen: nothing
     * on the terminal (java.util.prefs printed "INFO: Created user preferences directory."), no
     * ~/.java, and its window state in the data folder, owner-only.
     */
    @Test
    void aFirstStartPrintsNothingAndKeepsItsStateInTheDataFolder(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Run r = console(List.of("-Dcutover.smokeTest=true", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dprism.order=sw", "-Duser.home=" + home), env -> {
            env.put("XDG_DATA_HOME", dir.resolve("data").toString());
            env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
            env.put("HOME", home.toString());
        });
        assertThat(r.status()).as("stdout: %s, stderr: %s", r.out(), r.err()).isZero();
        assertThat(r.err()).doesNotContain("preferences").doesNotContain("INFO");
        assertThat(home.resolve(".java")).doesNotExist();
        Path state = dir.resolve("data/cutover/console.json");
        assertThat(state).exists();
        assertThat(Files.readString(state)).contains("\"width\"");
        assertThat(Files.getPosixFilePermissions(state)).isEqualTo(dev.cutover.io.PrivateFiles.OWNER_FILE);
    }

    /** A private X server on a free display number, for as long as a test needs it. */
    record Xvfb(Process process, int number) implements AutoCloseable {
        static Xvfb start() throws IOException {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/Xvfb")), "Xvfb is not installed (apt-get install xvfb)");
            for (int attempt = 0; attempt < 20; attempt++) {
                int n = ThreadLocalRandom.current().nextInt(200, 900);
                if (Files.exists(Path.of("/tmp/.X11-unix/X" + n)) || Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                    continue;
                }
                Process p = new ProcessBuilder("/usr/bin/Xvfb", ":" + n, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Path socket = Path.of("/tmp/.X11-unix/X" + n);
                await().atMost(30, TimeUnit.SECONDS).until(() -> !p.isAlive() || Files.exists(socket));
                if (p.isAlive()) {
                    return new Xvfb(p, n);
                }
            }
            throw new IOException("no free X display for Xvfb");
        }

        String display() {
            return ":" + number;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
