package dev.cutover.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Owner-only files without changing folders the user chose. */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aFileWrittenIntoAnExistingFolderIsOwnerOnlyAndTheFolderKeepsItsPermissions() throws Exception {
        Path chosen = Files.createDirectory(tmp.resolve("Downloads"));
        Files.setPosixFilePermissions(chosen, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path csv = chosen.resolve("saas-orders-verify.csv");
        PrivateFiles.writeAtomically(csv, "table,key\r\n");
        assertThat(Files.readString(csv)).isEqualTo("table,key\r\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(csv))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(chosen))).as("the user's folder").isEqualTo("rwxr-xr-x");
        try (var left = Files.list(chosen)) {
            assertThat(left).as("no temporary file left").containsExactly(csv);
        }
    }

    @Test
    void missingFoldersAreCreatedOwnerOnlyAndCreateDirectoriesRestrictsItsOwn() throws Exception {
        Path state = tmp.resolve("a").resolve("b").resolve("state.json");
        PrivateFiles.writeAtomically(state, "{}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a/b")))).isEqualTo("rwx------");

        Path logs = Files.createDirectory(tmp.resolve("logs"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.createDirectories(logs);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs))).isEqualTo("rwx------");
    }
}
