package dev.cutover.check;

import java.util.List;
import java.util.Set;

/**
 * One finding about a plan: of the plan check, and of the console's checks as you type (the same
 * {@link StaticChecks}). {@code table} is the target table ({@code schema.table}), {@code column}
 * the column it concerns (target column, or source column for the kinds in {@link #SOURCE_KINDS};
 * several joined by commas; empty for table-wide ones), {@code rows} how many rows are affected
 * (0 when it is not about rows) and {@code keys} the first affected keys as JSON objects, e.g.
 * {@code {"id":17}}, each once.
 */
public record Finding(Severity severity, String kind, String table, String column, String message, long rows,
                      List<String> keys) {
    /** Kinds whose column is a column of the old (source) table. */
    public static final Set<String> SOURCE_KINDS = Set.of("unmapped_source_column", "unknown_dropped_column",
            "reverse_not_null_without_source", "lossy_round_trip", "reverse_fails", "key_not_constrained", "duplicate_key",
            "key_not_mapped");

    public Finding {
        keys = List.copyOf(new java.util.LinkedHashSet<>(keys)); // each key once
        column = column == null ? "" : column;
    }

    public static Finding of(Severity s, String kind, String table, String column, String message) {
        return new Finding(s, kind, table, column, message, 0, List.of());
    }

    /** The one column of the old table it concerns, or null. */
    public String sourceColumn() {
        return single() && SOURCE_KINDS.contains(kind) ? column : null;
    }

    /** The one column of the new table it concerns, or null. */
    public String targetColumn() {
        return single() && !SOURCE_KINDS.contains(kind) ? column : null;
    }

    private boolean single() {
        return !column.isEmpty() && !column.contains(",");
    }

    /** Whether both concern the same table and column with the same severity (so one says what the other does). */
    public boolean sameSubject(Finding o) {
        return severity == o.severity && table.equals(o.table) && column.equals(o.column);
    }

    /**
     * The message with the rows affected and their first keys where the message does not say them
     * already (the dry run's messages name both): {@code … — 3 rows, e.g. {"id":1} {"id":2}}. Each
     * key is listed once.
     */
    public String describe() {
        if (rows <= 0) {
            return message;
        }
        String count = rows + (rows == 1 ? " row" : " rows");
        List<String> unnamed = keys.stream().filter(k -> !message.contains(k)).toList();
        List<String> parts = new java.util.ArrayList<>();
        if (!message.contains(count)) {
            parts.add(count);
        }
        if (!unnamed.isEmpty()) {
            parts.add("e.g. " + String.join(" ", unnamed));
        }
        return parts.isEmpty() ? message : message + " — " + String.join(", ", parts);
    }
}
