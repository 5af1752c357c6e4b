package dev.cutover.ui.verify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.sql.Direction;
import dev.cutover.verify.Difference;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.TableRepair;
import dev.cutover.verify.TableReport;
import dev.cutover.verify.VerifyReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Verify screen says of a run that ended, without a window. */
class VerifyWordsTest {
    private static VerifyReport report(Direction d, boolean sampled, boolean complete, TableReport... tables) {
        return new VerifyReport(d, sampled, complete, Instant.EPOCH, 1234, List.of(tables), List.of());
    }

    @Test
    void theVerdictSaysCleanSampleOrHowManyDiffer() {
        assertThat(VerifyWords.verdict(report(Direction.FORWARD, false, true, new TableReport("orders", 1200, 0, 0, 0))))
                .isEqualTo("clean: 1,200 rows identical");
        assertThat(VerifyWords.verdict(report(Direction.FORWARD, true, true, new TableReport("orders", 50, 0, 0, 0))))
                .isEqualTo("SAMPLE no difference in 50 sampled rows (a sample is never a proof; run a full verify)");
        assertThat(VerifyWords.verdict(report(Direction.FORWARD, false, true, new TableReport("orders", 200, 1, 1, 1),
                new TableReport("users", 3000, 0, 2, 0)))).isEqualTo("5 differences in 3,200 rows compared");
    }

    @Test
    void rowsOnlyALossyReverseMappingChangedAreSaidAsNoDifferences() {
        VerifyReport r = report(Direction.REVERSE, false, true, new TableReport("orders", 100, 0, 0, 1, 3));
        assertThat(VerifyWords.verdict(r)).isEqualTo("1 differences in 100 rows compared (3 lossy, no differences)");
        assertThat(VerifyWords.finished("acme", r, null, List.of("public.orders"), false, 100)).isEqualTo(
                "Verify of acme reverse (new is the truth) finished in 1.2 s. 3 rows differ only through the plan's lossy reverse"
                        + " mapping: each old row maps forward exactly onto its new row, so rolling back to it loses nothing; not"
                        + " differences, and Repair all leaves the old originals.");
        VerifyReport clean = report(Direction.REVERSE, false, true, new TableReport("orders", 100, 0, 0, 0, 1));
        assertThat(VerifyWords.verdict(clean)).isEqualTo("clean: 100 rows identical (1 lossy, no differences)");
    }

    @Test
    void theFinishedLineSaysDirectionRepairOnlyAndTruncation() {
        VerifyReport full = report(Direction.FORWARD, false, true, new TableReport("orders", 10, 0, 0, 0));
        assertThat(VerifyWords.finished("acme", full, null, List.of("public.orders"), false, 100))
                .isEqualTo("Verify of acme forward (old is the truth) finished in 1.2 s.");

        VerifyReport one = report(Direction.REVERSE, true, false, new TableReport("orders", 10, 0, 0, 3));
        Repairer.Result repaired = new Repairer.Result(one, List.of(new TableRepair("orders", 1234, 5)));
        assertThat(VerifyWords.finished("acme", one, repaired, List.of("app.orders"), true, 100_000)).isEqualTo(
                "Repaired 1,234 rows upserted, 5 deleted; verified again: SAMPLE verify of acme reverse (new is the truth) finished in 1.2 s."
                        + " Only app.orders compared: not stored as the phase guard's verification."
                        + " The list holds the first 100,000 differences (so does Export CSV); Repair all re-syncs every one.");
    }

    @Test
    void repairingSelectedRowsSaysFromWhichSideAndWhatStillDiffers() {
        Difference still = new Difference("orders", JsonNodeFactory.instance.objectNode().put("id", 7), List.of("7"),
                Difference.Kind.DIFFERENT, List.of("name"), null, null);
        assertThat(VerifyWords.repairedSelected(3, Direction.FORWARD, new Repairer.Selected(List.of(new TableRepair("orders", 2, 1)), List.of())))
                .isEqualTo("Repaired 3 selected rows from the old database: 2 upserted, 1 deleted; all identical when compared again.");
        assertThat(VerifyWords.repairedSelected(2, Direction.REVERSE, new Repairer.Selected(List.of(), List.of(still))))
                .isEqualTo("Repaired 2 selected rows from the new database: 0 upserted, 0 deleted; 1 still differ when compared again (listed).");
    }
}
