package dev.cutover.ui.mappings;

/**
 * A problem found in the plan, pointing at what it concerns: the table mapping (by target table),
 * and a column of the new table ({@code targetColumn}) or of the old one ({@code sourceColumn}).
 */
public record Finding(Severity severity, String table, String targetColumn, String sourceColumn, String message) {
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return (severity == Severity.ERROR ? "Error" : "Warning") + " · " + table
                + (targetColumn != null ? "." + targetColumn : sourceColumn != null ? " (old column " + sourceColumn + ")" : "")
                + ": " + message;
    }
}
