package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The command line alone (this module's class path has neither the console nor the demo): the
 * console and the demo's commands are found with ServiceLoader when their modules are there (the
 * distribution: ConsoleStartTest, the demo's tests), and their absence is one clear line.
 */
@NeedsServers
class FrontEndsTest {
    @Test
    void withoutTheConsoleModuleOpeningItSaysSoInOneLine() {
        assertThatThrownBy(() -> ConsoleFrontEnd.openOrExplain(new String[0], false))
                .isInstanceOf(UserError.class)
                .hasMessage("cannot open the console: this build has no console (the cutover-console jar is not on the class path)");
    }

    @Test
    void withoutTheDemoModuleItsCommandsAreUnknownAndTheHelpDoesNotListThem() {
        CliRun help = CliRun.run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("backfill").contains("verify").doesNotContain("demo-data").doesNotContain("demo-e2e");
        CliRun demo = CliRun.run("demo");
        assertThat(demo.status()).isEqualTo(ExitCodes.ERROR);
        assertThat(demo.err()).contains("demo");
    }

    @Test
    void theGtkFailuresNameThePackagesAndAnythingElseIsTheRootCause() {
        assertThat(ConsoleFrontEnd.problem(new RuntimeException(new UnsatisfiedLinkError(ConsoleFrontEnd.NO_GTK))))
                .isEqualTo("the GTK 3 libraries are missing (Unable to load glass GTK library); on Debian/Ubuntu: sudo apt-get install libgtk-3-0 libxtst6");
        assertThat(ConsoleFrontEnd.problem(new IllegalStateException("outer", new RuntimeException("the real reason"))))
                .isEqualTo("the real reason");
    }
}
