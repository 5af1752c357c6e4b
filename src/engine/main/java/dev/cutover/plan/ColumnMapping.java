package dev.cutover.plan;

/** One target column and the SQL expression (over one row of the other side) that produces it. */
public record ColumnMapping(String target, String expr) {
    public ColumnMapping {
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("target column must be non-empty");
        }
        if (expr == null || expr.isBlank()) {
            throw new IllegalArgumentException("expr must be non-empty");
        }
    }
}
