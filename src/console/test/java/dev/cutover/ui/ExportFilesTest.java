package dev.cutover.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The export dialogs start in the last-used folder (else home) with a name that says what and when. */
@Timeout(10)
class ExportFilesTest {
    @Test
    void theNameSaysWhatAndWhen() {
        Instant at = Instant.parse("2026-12-07T10:19:33Z");
        assertThat(ExportFiles.name("saas-orders", "verify", at)).isEqualTo("saas-orders-verify-2026-12-07T10-19.csv");
        assertThat(ExportFiles.name("saas-orders", "shadow-samples", at)).isEqualTo("saas-orders-shadow-samples-2026-12-07T10-19.csv");
        assertThat(ExportFiles.name("a/b c", "verify", at)).isEqualTo("a-b-c-verify-2026-12-07T10-19.csv");
    }

    @Test
    void theFolderIsTheLastUsedOneWhileItExists(@TempDir Path dir) {
        ExportFiles.used(dir.resolve("x.csv"));
        assertThat(ExportFiles.initialFolder()).isEqualTo(dir.toAbsolutePath());
        ExportFiles.used(dir.resolve("gone/x.csv"));
        assertThat(ExportFiles.initialFolder()).isEqualTo(Path.of(System.getProperty("user.home")));
    }
}
