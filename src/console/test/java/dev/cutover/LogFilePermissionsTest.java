package dev.cutover;

import dev.cutover.testing.NeedsServers;
import dev.cutover.ui.connections.ProfileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The log (it holds failed rows' keys) and the console's profiles are owner-only: 0600 files in 0700 folders. */
@NeedsServers
class LogFilePermissionsTest {
    @TempDir
    Path tmp;

    @Test
    void aRealCommandRunMakesTheLogFolderAndFileOwnerOnly() throws Exception {
        Path dir = tmp.resolve("logs").resolve("cutover");
        Files.createDirectories(dir.getParent());
        // a log file left world-readable by an older version is made owner-only too
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("cutover.log"), "");
        Files.setPosixFilePermissions(dir.resolve("cutover.log"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("cutover.2026-01-01.0.log.gz"), "");
        Files.setPosixFilePermissions(dir.resolve("cutover.2026-01-01.0.log.gz"), PosixFilePermissions.fromString("rw-r--r--"));

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-Dcutover.log.dir=" + dir, "-cp", System.getProperty("java.class.path"), "dev.cutover.Main",
                "status", "--redis", "redis://127.0.0.1:1", "--migration", "perm")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("cutover.log"))).contains("cannot reach Redis");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cutover.log")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cutover.2026-01-01.0.log.gz"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aNewLogFolderIsCreatedOwnerOnly() throws Exception {
        Path dir = tmp.resolve("fresh").resolve("logs");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-Dcutover.log.dir=" + dir, "-cp", System.getProperty("java.class.path"), "dev.cutover.Main", "--version")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cutover.log")))).isEqualTo("rw-------");
    }

    @Test
    void theConsoleProfilesAreOwnerOnly() throws Exception {
        Path file = tmp.resolve("config").resolve("cutover").resolve("profiles.json");
        new ProfileStore(file).save(List.of());
        new ProfileStore(file).save(List.of()); // replaced, still owner-only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("profiles.json");
        }
    }
}
