package dev.cutover.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The router's spill file names rows by key: owner-only file and lock in an owner-only folder. */
class SpillFilePermissionsTest {
    @TempDir
    Path tmp;

    @Test
    void spillFolderFileAndLockAreOwnerOnly() {
        Path dir = tmp.resolve("spill");
        try (SpillFile spill = new SpillFile(dir, "router-1")) {
            spill.append(new FailedWrite("orders", "{\"id\":1}", 1L, "write not mirrored"));
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(mode(spill.path())).isEqualTo("rw-------");
            assertThat(mode(spill.path().resolveSibling(spill.path().getFileName() + ".lock"))).isEqualTo("rw-------");
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
