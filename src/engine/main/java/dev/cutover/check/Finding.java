package dev.cutover.check;

import java.util.List;

/**
 * One finding of the plan check. {@code table} is the target table ({@code schema.table}),
 * {@code column} the column it concerns (target column, or source column for unmapped/dropped
 * findings; empty for table-wide ones), {@code rows} how many rows are affected (0 when it is not
 * about rows) and {@code keys} the first affected keys as JSON objects, e.g. {@code {"id":17}}.
 */
public record Finding(Severity severity, String kind, String table, String column, String message, long rows,
                      List<String> keys) {
    public Finding {
        keys = List.copyOf(keys);
    }

    public static Finding of(Severity s, String kind, String table, String column, String message) {
        return new Finding(s, kind, table, column, message, 0, List.of());
    }
}
