package dev.cutover.work;

import java.util.List;

/**
 * A half-open key range (lower, upper] of one table, key values in their text form, one per key
 * column. {@code lower} null means "from the first row"; {@code upper} is inclusive.
 */
public record KeyRange(List<String> lower, List<String> upper) {
    public KeyRange {
        lower = lower == null ? null : List.copyOf(lower);
        upper = List.copyOf(upper);
    }

    public boolean hasLower() {
        return lower != null;
    }

    /** For messages: {@code (1000, 2000]} or {@code (start, (a, 7)]}. */
    @Override
    public String toString() {
        return "(" + (lower == null ? "start" : show(lower)) + ", " + show(upper) + "]";
    }

    private static String show(List<String> k) {
        return k.size() == 1 ? k.get(0) : "(" + String.join(", ", k) + ")";
    }
}
