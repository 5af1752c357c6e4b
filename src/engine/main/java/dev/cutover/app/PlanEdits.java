package dev.cutover.app;

import dev.cutover.check.Suggest;
import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Edits of a plan, each a new {@link Plan} (plans are immutable, so an editor's undo is a stack of
 * them): add a table mapping keyed like the old table, set or clear one column's expression, fill
 * the unmapped columns {@link Suggest} proposes. The console's Mappings screen edits through these;
 * they need no window and no connection (the catalogs are read already).
 */
public final class PlanEdits {
    /** What {@link #suggest} did: the plan with the proposals in, and each proposal (new column → expression). */
    public record Suggested(Plan plan, Map<String, String> mappings) {
    }

    private PlanEdits() {
    }

    /** The index of the mapping {@code oldTable} → {@code newTable} in {@code plan}, -1 when there is none. */
    public static int indexOf(Plan plan, TableRef oldTable, TableRef newTable) {
        for (int i = 0; i < plan.tables().size(); i++) {
            TableMapping t = plan.tables().get(i);
            if (t.source().equals(oldTable) && t.target().equals(newTable)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code plan} with a mapping {@code oldTable} → {@code newTable} added last: its key is the old
     * table's primary key (when the old catalog is known), each key column mapped to the same-named
     * new column (when the new catalog has it, or is not known).
     */
    public static Plan withTable(Plan plan, TableRef oldTable, TableRef newTable, Schema oldSchema, Schema newSchema) {
        List<String> key = oldSchema == null ? List.of() : oldSchema.table(oldTable).map(Schema.Table::primaryKey).orElse(List.of());
        Optional<Schema.Table> nt = newSchema == null ? Optional.empty() : newSchema.table(newTable);
        List<ColumnMapping> cols = new ArrayList<>();
        for (String k : key) {
            if (nt.isEmpty() || nt.get().column(k).isPresent()) {
                cols.add(new ColumnMapping(k, SqlNames.quote(k)));
            }
        }
        List<TableMapping> tables = new ArrayList<>(plan.tables());
        tables.add(new TableMapping(oldTable, newTable, key, cols, List.of(), List.of()));
        return new Plan(plan.version(), plan.name(), tables);
    }

    /** {@code plan} with column {@code target} of the table mapping at {@code index} set to {@code expr}; a blank one unmaps it. */
    public static Plan withColumn(Plan plan, int index, String target, String expr) {
        TableMapping t = plan.tables().get(index);
        List<ColumnMapping> cols = new ArrayList<>();
        boolean done = false;
        for (ColumnMapping c : t.columns()) {
            if (c.target().equals(target)) {
                done = true;
                if (!expr.isBlank()) {
                    cols.add(new ColumnMapping(target, expr));
                }
            } else {
                cols.add(c);
            }
        }
        if (!done && !expr.isBlank()) {
            cols.add(new ColumnMapping(target, expr));
        }
        List<TableMapping> tables = new ArrayList<>(plan.tables());
        tables.set(index, new TableMapping(t.source(), t.target(), t.key(), cols, t.dropped(), t.reverse()));
        return new Plan(plan.version(), plan.name(), tables);
    }

    /**
     * The unmapped columns of the table mapping at {@code index} filled with what {@link Suggest}
     * proposes from the two tables (same-named or close-named old columns of a compatible type,
     * none already read); the plan unchanged and no mapping when there is nothing to propose.
     */
    public static Suggested suggest(Plan plan, int index, Schema.Table oldTable, Schema.Table newTable) {
        TableMapping t = plan.tables().get(index);
        Map<String, String> s = Suggest.mappings(oldTable, newTable,
                t.columns().stream().map(ColumnMapping::target).collect(Collectors.toSet()),
                Suggest.referenced(t.columns().stream().map(ColumnMapping::expr).toList()));
        Plan p = plan;
        for (var e : s.entrySet()) {
            p = withColumn(p, index, e.getKey(), e.getValue());
        }
        return new Suggested(p, s);
    }
}
