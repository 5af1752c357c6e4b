package dev.cutover.ui.mappings;

import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.SqlPreview;
import dev.cutover.ui.Problems;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the Mappings screen shows of one table mapping, without a window: the grid's rows (every
 * column of the new table, then mapped columns it lacks, each with the database's verdict from the
 * {@link ExpressionChecker}) and the SQL preview the engine renders. While an expression is half
 * typed and cannot render, the preview keeps the last SQL of the same table with the reason below
 * it, so it does not jump to a one-line comment and back on every key.
 */
final class MappingGrid {
    private final ExpressionChecker checker;
    /** The table mapping (source, target) and SQL of the last preview that rendered. */
    private String lastRendered;

    MappingGrid(ExpressionChecker checker) {
        this.checker = checker;
    }

    /** The grid's rows of {@code t}; {@code newTable} is its target in the new catalog, when read. */
    List<MappingRow> rows(TableMapping t, Optional<Schema.Table> newTable) {
        List<MappingRow> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        List<String> key;
        try {
            key = t.targetKey();
        } catch (IllegalStateException e) {
            key = List.of();
        }
        List<String> targets = new ArrayList<>();
        newTable.ifPresent(x -> x.columns().forEach(c -> targets.add(c.name())));
        t.columns().stream().map(ColumnMapping::target).filter(c -> !targets.contains(c)).forEach(targets::add);
        for (String target : targets) {
            Optional<Schema.Column> col = newTable.flatMap(x -> x.column(target));
            String e = t.column(target).map(ColumnMapping::expr).orElse("");
            MappingRow.Status st;
            String problem = null;
            if (newTable.isPresent() && col.isEmpty()) {
                st = MappingRow.Status.NO_COLUMN;
            } else if (e.isEmpty()) {
                st = MappingRow.Status.UNMAPPED;
            } else {
                ExpressionChecker.Verdict v = verdict(t, col, e);
                if (v instanceof ExpressionChecker.Verdict.Invalid bad) {
                    st = MappingRow.Status.ERROR;
                    problem = bad.problem();
                } else if (v instanceof ExpressionChecker.Verdict.Valid) {
                    st = MappingRow.Status.MAPPED;
                } else {
                    st = MappingRow.Status.CHECKING;
                }
            }
            out.add(new MappingRow(target, col.map(Schema.Column::type).orElse("?"), key.contains(target), e, st, problem));
        }
        return out;
    }

    /** The database's verdict on {@code expr} filling {@code column} of {@code t}; unchecked without the column. */
    ExpressionChecker.Verdict verdict(TableMapping t, Optional<Schema.Column> column, String expr) {
        return column.isEmpty() ? ExpressionChecker.Verdict.UNCHECKED
                : checker.verdict(new ExpressionChecker.Probe(t.source(), column.get(), expr));
    }

    /** The database questions of {@code t}: each mapped expression filling a column of {@code newTable}. */
    static List<ExpressionChecker.Probe> probes(TableMapping t, Schema.Table newTable) {
        List<ExpressionChecker.Probe> all = new ArrayList<>();
        for (ColumnMapping c : t.columns()) {
            newTable.column(c.target()).ifPresent(col -> all.add(new ExpressionChecker.Probe(t.source(), col, c.expr())));
        }
        return all;
    }

    /** The forward read of the engine and the upsert repair/replay use, exactly as the engine renders them, or why not. */
    String preview(TableMapping t, Optional<Schema.Table> oldTable, Optional<Schema.Table> newTable) {
        if (t == null) {
            return "-- open a plan, or drag an old column onto a new column to start a mapping";
        }
        if (oldTable.isEmpty() || newTable.isEmpty()) {
            return "-- the preview needs both schemas: connect the old and the new database";
        }
        if (t.columns().isEmpty()) {
            return "-- no column mapped yet";
        }
        String of = t.source() + " " + t.target() + "\u0000";
        try {
            String sql = SqlPreview.text(new MappingSql(t, oldTable.get(), newTable.get())).strip();
            lastRendered = of + sql;
            return sql;
        } catch (RuntimeException e) {
            String problem = "-- cannot render this mapping yet: " + Problems.oneLine(e);
            return lastRendered != null && lastRendered.startsWith(of)
                    ? lastRendered.substring(of.length()) + "\n\n" + problem + " (above: the last SQL that rendered)" : problem;
        }
    }
}
