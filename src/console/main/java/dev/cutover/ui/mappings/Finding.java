package dev.cutover.ui.mappings;

/**
 * A problem found in the plan, pointing at what it concerns: the table mapping (by target table,
 * {@code schema.table}), and a column of the new table ({@code targetColumn}) or of the old one
 * ({@code sourceColumn}). {@code fromCheck}: found by the full plan check (dry run included), not
 * by the quick checks made as you type.
 */
public record Finding(Severity severity, String table, String targetColumn, String sourceColumn, String message,
                      boolean fromCheck) {
    public enum Severity { ERROR, WARNING, NOTE }

    /** A finding of the quick checks made as you type. */
    public Finding(Severity severity, String table, String targetColumn, String sourceColumn, String message) {
        this(severity, table, targetColumn, sourceColumn, message, false);
    }

    /** Whether both concern the same table and column with the same severity (so one says what the other does). */
    public boolean sameSubject(Finding o) {
        return severity == o.severity && table.equals(o.table) && java.util.Objects.equals(targetColumn, o.targetColumn)
                && java.util.Objects.equals(sourceColumn, o.sourceColumn);
    }

    /** Plan-check kinds whose column is a column of the old (source) table. */
    private static final java.util.Set<String> SOURCE_KINDS = java.util.Set.of("unmapped_source_column",
            "unknown_dropped_column", "reverse_not_null_without_source", "lossy_round_trip", "reverse_fails",
            "key_not_constrained", "duplicate_key");

    /** A finding of the plan check (dev.cutover.check), with its affected rows and first keys. */
    public static Finding of(dev.cutover.check.Finding f) {
        Severity s = switch (f.severity()) {
            case PROBLEM -> Severity.ERROR;
            case WARNING -> Severity.WARNING;
            case NOTE -> Severity.NOTE;
        };
        String col = f.column() == null || f.column().isEmpty() || f.column().contains(",") ? null : f.column();
        boolean source = SOURCE_KINDS.contains(f.kind());
        String msg = f.message() + (f.rows() > 0 ? " — " + f.rows() + (f.rows() == 1 ? " row" : " rows")
                + (f.keys().isEmpty() ? "" : ", e.g. " + String.join(" ", f.keys())) : "");
        return new Finding(s, f.table(), source ? null : col, source ? col : null, msg, true);
    }

    @Override
    public String toString() {
        String label = switch (severity) {
            case ERROR -> "Problem";
            case WARNING -> "Warning";
            case NOTE -> "Note";
        };
        return label + (fromCheck ? " (plan check)" : "") + " · " + table
                + (targetColumn != null ? "." + targetColumn : sourceColumn != null ? " (old column " + sourceColumn + ")" : "")
                + ": " + message;
    }
}
