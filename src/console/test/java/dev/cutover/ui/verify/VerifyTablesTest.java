package dev.cutover.ui.verify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.ui.verify.VerifyViewModel.TableRow;
import dev.cutover.verify.Difference;
import dev.cutover.verify.TableReport;
import dev.cutover.verify.VerifyReport;
import dev.cutover.work.TableProgress;
import dev.cutover.work.TableState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Verify screen's per-table lines without a window: progress, counts by kind, the final report, a repair of chosen rows. */
class VerifyTablesTest {
    private static final Plan PLAN = new Plan(Plan.CURRENT_VERSION, "acme", List.of(
            new TableMapping(new TableRef("legacy", "orders"), new TableRef("app", "orders"), List.of("id"),
                    List.of(new ColumnMapping("id", "id")), List.of(), List.of()),
            new TableMapping(new TableRef("legacy", "users"), new TableRef("app", "users"), List.of("id"),
                    List.of(new ColumnMapping("id", "id")), List.of(), List.of())));

    private static Difference diff(String table, long id, Difference.Kind kind) {
        return new Difference(table, JsonNodeFactory.instance.objectNode().put("id", id), List.of(Long.toString(id)), kind, List.of(), null, null);
    }

    @Test
    void progressAndDifferencesMakeOneLinePerTableNamedByTheComparedSide() {
        VerifyTables t = new VerifyTables(() -> PLAN);
        t.progress(List.of(new TableProgress("orders", TableState.RUNNING, 40, 200, 0, null, null)));
        t.count(diff("orders", 7, Difference.Kind.MISSING_IN_TARGET), 1);
        t.count(diff("orders", 9, Difference.Kind.DIFFERENT), 1);
        t.count(diff("users", 1, Difference.Kind.EXTRA_IN_TARGET), 1); // before any progress of users
        t.progress(List.of(new TableProgress("orders", TableState.COMPLETE, 200, 200, 0, null, null)));
        assertThat(t.rows()).containsExactly(
                new TableRow("app.orders", "complete", 200, 200, 1, 0, 1),
                new TableRow("app.users", "running", 0, 0, 0, 1, 0));

        t.recount(diff("orders", 9, Difference.Kind.DIFFERENT), -1);
        t.recount(diff("elsewhere", 1, Difference.Kind.DIFFERENT), 1); // no line: left out
        assertThat(t.rows()).extracting(TableRow::table).containsExactly("app.orders", "app.users");
        assertThat(t.rows().get(0).different()).isZero();

        t.direction(Direction.REVERSE);
        assertThat(t.shown("orders")).isEqualTo("legacy.orders");
        assertThat(t.shown("unknown")).isEqualTo("unknown");
        assertThat(t.choiceName("users")).isEqualTo("app.users");
        assertThat(VerifyTables.choices(PLAN)).containsExactly("orders", "users");
        assertThat(VerifyTables.choices(null)).isEmpty();
    }

    @Test
    void theFinishedReportGivesTheFinalCountsAndKeepsTheEstimate() {
        VerifyTables t = new VerifyTables(() -> PLAN);
        t.progress(List.of(new TableProgress("orders", TableState.RUNNING, 10, 250, 0, null, null)));
        t.finished(new VerifyReport(Direction.REVERSE, true, true, Instant.EPOCH, 5,
                List.of(new TableReport("orders", 20, 1, 2, 3)), List.of()));
        assertThat(t.direction()).isEqualTo(Direction.REVERSE);
        // reverse: the old side is compared, so the line is named by it and the forward line is gone
        assertThat(t.rows()).containsExactly(new TableRow("legacy.orders", "SAMPLE done", 20, 0, 1, 2, 3));
        t.clear();
        assertThat(t.rows()).isEmpty();
    }
}
