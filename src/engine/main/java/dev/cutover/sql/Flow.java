package dev.cutover.sql;

import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableRef;

import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * One direction of a table mapping, ready to render: rows of {@code from} become rows of
 * {@code to} through {@code columns} (expressions over one {@code from} row), matched by
 * {@code key}. Forward is old → new through the plan's columns; reverse is new → old through
 * its reverse mappings. Every statement of backfill, verify, repair and replay is built from a Flow.
 */
public record Flow(Direction direction, TableRef from, TableRef to, List<Projected> columns, List<KeyColumn> key) {

    /**
     * A {@code to} column, the expression over the {@code from} row, the cast that gives it the
     * {@code to} column's type on the from database, the to column's full type, and the cast for
     * values bound on the to database ({@code toCast}: the type without length modifiers, which
     * would truncate silently in an explicit cast).
     */
    public record Projected(String toColumn, String expr, String cast, String toType, String toCast) {
        public Projected {
            String problem = dev.cutover.plan.Expressions.problem(expr);
            if (problem != null) {
                throw new dev.cutover.plan.PlanException("expression for " + SqlNames.quote(toColumn) + " refused: " + problem);
            }
        }

        /** {@code (expr)::cast AS "col"}. */
        public String select() {
            return "(" + expr + ")" + (cast.isEmpty() ? "" : "::" + cast) + " AS " + SqlNames.quote(toColumn);
        }
    }

    /**
     * A key column on both sides. {@code collatable} keys are compared and ordered with
     * {@code COLLATE "C"} on both databases, so chunk boundaries mean the same rows even when the
     * two databases sort text differently (C vs ICU).
     */
    public record KeyColumn(String fromColumn, String toColumn, String fromType, String toType, boolean collatable) {
        public String fromRef() {
            return ref(fromColumn);
        }

        public String toRef() {
            return ref(toColumn);
        }

        private String ref(String column) {
            return SqlNames.quote(column) + (collatable ? " COLLATE \"C\"" : "");
        }
    }

    public List<String> toColumns() {
        return columns.stream().map(Projected::toColumn).toList();
    }

    /** {@code "schema"."table"} of the from side. */
    public String fromTable() {
        return SqlNames.quote(from);
    }

    public String toTable() {
        return SqlNames.quote(to);
    }

    /** Key columns of the from side, in key order, with their collation: {@code "id", "code" COLLATE "C"}. */
    public String fromKeyList() {
        return key.stream().map(KeyColumn::fromRef).collect(Collectors.joining(", "));
    }

    public String toKeyList() {
        return key.stream().map(KeyColumn::toRef).collect(Collectors.joining(", "));
    }

    /** Plain quoted key columns of the to side (for ON CONFLICT, which wants the columns of a unique index). */
    public String toKeyColumns() {
        return key.stream().map(k -> SqlNames.quote(k.toColumn())).collect(Collectors.joining(", "));
    }

    /** The projection list, one per line, indented. */
    public String projection(String indent) {
        StringJoiner j = new StringJoiner(",\n" + indent, indent, "");
        columns.forEach(c -> j.add(c.select()));
        return j.toString();
    }

    /**
     * The from-side SELECT of mapped rows, optionally restricted by a predicate over the from row
     * (aliased {@code src}), in key order. This is the statement backfill, verify and repair read with.
     */
    public String select(String where) {
        return OneStatement.of("SELECT\n" + projection("  ") + "\nFROM " + fromTable() + " AS src"
                + (where == null || where.isBlank() ? "" : "\nWHERE " + where)
                + "\nORDER BY " + fromKeyList());
    }

    /** {@code (k1, k2) IN ((?::t1, ?::t2), …)} over the from side for {@code n} keys. */
    public String fromKeyIn(int n) {
        return keyIn(n, true);
    }

    /** The same over the to side. */
    public String toKeyIn(int n) {
        return keyIn(n, false);
    }

    private String keyIn(int n, boolean fromSide) {
        String cols = key.stream().map(k -> SqlNames.quote(fromSide ? k.fromColumn() : k.toColumn()))
                .collect(Collectors.joining(", ", "(", ")"));
        String one = key.stream().map(k -> "?::" + (fromSide ? k.fromType() : k.toType()))
                .collect(Collectors.joining(", ", "(", ")"));
        StringJoiner j = new StringJoiner(", ", cols + " IN (", ")");
        for (int i = 0; i < n; i++) {
            j.add(one);
        }
        return j.toString();
    }
}
