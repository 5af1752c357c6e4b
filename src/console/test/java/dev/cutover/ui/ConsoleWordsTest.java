package dev.cutover.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's command-line hints in the console's words. */
@Timeout(10)
class ConsoleWordsTest {
    @Test
    void everyCommandLineHintBecomesWhatToDoInTheConsole() {
        assertThat(ConsoleWords.of("migration m: cannot move from backfill to dual_write: backfill complete (to move anyway: --override --reason \"why\")"))
                .isEqualTo("migration m: cannot move from backfill to dual_write: backfill complete (Override… asks for a reason)");
        assertThat(ConsoleWords.of("reads 0% → 25% skips a step (to set it anyway: --override --reason \"why\")"))
                .isEqualTo("reads 0% → 25% skips a step (Override… asks for a reason)");
        assertThat(ConsoleWords.of("an override or restore needs a reason (--reason \"why\"); it goes to the audit log"))
                .isEqualTo("an override or restore needs a reason (Override… asks for one); it goes to the audit log");
        assertThat(ConsoleWords.of("3 differences (cutover repair, then cutover verify)"))
                .isEqualTo("3 differences (Repair all on the Verify screen, then Verify)");
        assertThat(ConsoleWords.of("verified 30 h ago (older than 24 h is stale); run cutover verify again"))
                .isEqualTo("verified 30 h ago (older than 24 h is stale); Verify again on the Verify screen");
        assertThat(ConsoleWords.of("reads are 50% on the new side; shift to 100% first (cutover traffic)"))
                .isEqualTo("reads are 50% on the new side; shift to 100% first (the read-traffic slider)");
        assertThat(ConsoleWords.of("cannot tell: no old database (--old), no new database (--new), no plan (--plan)"))
                .isEqualTo("cannot tell: no old database (Connect it on the Connections screen), no new database (Connect it on the "
                        + "Connections screen), no plan (open one on the Mappings screen)");
        assertThat(ConsoleWords.of("version 4 is in Redis, but down; a machine that never saw it will not notice if Redis loses it "
                + "(cutover status with --new writes it once the new database is reachable)"))
                .doesNotContain("--new").endsWith("(this screen writes it once the new database is reachable again)");
        assertThat(ConsoleWords.of("Redis at redis://r:6379 holds no control state for migration m, but version 4 (phase traffic_shift)"
                + " was seen before: Redis lost its data (restarted without persistence, or flushed); restore it with: cutover phase"
                + " traffic_shift --override --reason \"restore after Redis loss\" --migration 'm x'"))
                .isEqualTo("Redis at redis://r:6379 holds no control state for migration m, but version 4 (phase traffic_shift)"
                        + " was seen before: Redis lost its data (restarted without persistence, or flushed); Restore… puts it back"
                        + " (it says what first and asks for a reason)");
        assertThat(ConsoleWords.of("no such table")).isEqualTo("no such table");
    }
}
