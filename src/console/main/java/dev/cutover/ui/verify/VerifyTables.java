package dev.cutover.ui.verify;

import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.ui.verify.VerifyViewModel.TableRow;
import dev.cutover.verify.Difference;
import dev.cutover.verify.TableReport;
import dev.cutover.verify.VerifyReport;
import dev.cutover.work.TableProgress;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Verify screen's per-table lines, without a window: one {@link TableRow} per compared table,
 * named {@code schema.table} of the compared side (the new database's table going forward, the old
 * one's in reverse, as the Backfill screen names tables; the engine names it by its bare name). The
 * engine's progress sets a line's state and rows compared, each difference counts under its kind,
 * the finished report gives the final counts, and a repair of chosen rows takes them back out.
 */
final class VerifyTables {
    private final Supplier<Plan> plan;
    private final ObservableList<TableRow> rows = FXCollections.observableArrayList();
    private Direction direction = Direction.FORWARD;

    VerifyTables(Supplier<Plan> plan) {
        this.plan = plan;
    }

    /** A compared table's name as the screens show it ({@code schema.table} of the compared side in the last run's direction). */
    String shown(String table) {
        Plan p = plan.get();
        if (p != null && table != null) {
            for (TableMapping m : p.tables()) {
                TableRef ref = direction == Direction.REVERSE ? m.source() : m.target();
                if (ref.table().equals(table)) {
                    return ref.toString();
                }
            }
        }
        return table;
    }

    /** The plan's tables for the Table choice: their bare target names, in the plan's order (none without a plan). */
    static List<String> choices(Plan p) {
        return p == null ? List.of() : p.tables().stream().map(m -> m.target().table()).toList();
    }

    /** A table of the plan chosen under Table (its bare target name) as the choice shows it: {@code schema.table}. */
    String choiceName(String target) {
        Plan p = plan.get();
        if (p != null) {
            for (TableMapping m : p.tables()) {
                if (m.target().table().equals(target)) {
                    return m.target().toString();
                }
            }
        }
        return target;
    }

    /** The direction of the run going or last ended: which side names the tables. */
    void direction(Direction d) {
        direction = d;
    }

    Direction direction() {
        return direction;
    }

    /** The engine's progress of the tables it reports: state and rows compared (of the estimate); counts kept. */
    void progress(List<TableProgress> tables) {
        for (TableProgress t : tables) {
            String name = shown(t.table());
            TableRow old = row(name);
            put(new TableRow(name, t.state().word(), t.rowsDone(), t.rowsTotal(), old == null ? 0 : old.missingInTarget(),
                    old == null ? 0 : old.extraInTarget(), old == null ? 0 : old.different()));
        }
    }

    /** Counts {@code n} (may be negative: repaired) differences of {@code d}'s kind on its table's line; a line is added when there is none. */
    void count(Difference d, int n) {
        String name = shown(d.table());
        TableRow old = row(name);
        put((old == null ? new TableRow(name, "running", 0, 0, 0, 0, 0) : old).plus(d.kind(), n));
    }

    /** Counts on lines already listed only (a repair of chosen rows): a table without a line is left out. */
    void recount(Difference d, int n) {
        if (row(shown(d.table())) != null) {
            count(d, n);
        }
    }

    /** The report's final lines, in its order: "done" (or "SAMPLE done"), rows compared and the differences by kind. */
    void finished(VerifyReport r) {
        direction = r.direction();
        List<TableRow> out = new ArrayList<>();
        for (TableReport t : r.tables()) {
            String name = shown(t.table());
            TableRow old = row(name);
            out.add(new TableRow(name, r.sampled() ? "SAMPLE done" : "done", t.rowsCompared(),
                    old == null ? 0 : old.estimate(), t.missingInTarget(), t.extraInTarget(), t.different()));
        }
        rows.setAll(out);
    }

    void clear() {
        rows.clear();
    }

    ObservableList<TableRow> rows() {
        return rows;
    }

    private TableRow row(String name) {
        return rows.stream().filter(t -> t.table().equals(name)).findFirst().orElse(null);
    }

    private void put(TableRow r) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).table().equals(r.table())) {
                rows.set(i, r);
                return;
            }
        }
        rows.add(r);
    }
}
